namespace FsBitrix.Core.Calls;

public enum LegRole
{
    /// <summary>Faces the client: the inbound caller's leg, or the leg dialled to a client's number.</summary>
    Customer,

    /// <summary>Rings or connects an extension (an agent, the caller of an outbound call, a click-to-call rep).</summary>
    Agent,

    Other,
}
