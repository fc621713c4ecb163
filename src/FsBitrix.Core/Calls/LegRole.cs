namespace FsBitrix.Core.Calls;

public enum LegRole
{
    /// <summary>Faces the client: the inbound caller's leg, or the leg dialled to a client's number.</summary>
    Customer,

    /// <summary>Rings or connects an extension (an agent, the caller of an outbound call, a click-to-call rep).</summary>
    Agent,

    /// <summary>
    /// One half of a <c>loopback/</c> channel: a wire inside FreeSWITCH, not a person. It never sees a card or counts
    /// as a talk; the employee it carries (<see cref="LegState.Extension"/>, from <c>dialed_extension</c> or
    /// <c>presence_id</c>) passes to the leg it dials (a follow-me to the employee's mobile).
    /// </summary>
    Wire,

    Other,
}
