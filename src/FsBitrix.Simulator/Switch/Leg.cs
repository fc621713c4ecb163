namespace FsBitrix.Simulator.Switch;

/// <summary>
/// One simulated channel (a leg): what FreeSWITCH reports of it in every event: state, caller profile, the
/// other leg's profile once linked, and its channel variables. Mutated only by the flow that owns the call.
/// </summary>
public sealed class Leg
{
    internal Leg(string uuid, string name, bool inbound, DateTimeOffset created, long order)
    {
        Order = order;
        Uuid = uuid;
        Name = name;
        Inbound = inbound;
        Created = created;
        CallUuid = uuid;
    }

    public string Uuid { get; }

    /// <summary>Creation order on the switch: legs of one instant still list in the order they were made.</summary>
    public long Order { get; }

    /// <summary>Channel-Name, e.g. <c>sofia/internal/1001@127.0.0.1:5071</c>.</summary>
    public string Name { get; }

    /// <summary>Call-Direction from FreeSWITCH's side: a leg FreeSWITCH dials is outbound.</summary>
    public bool Inbound { get; }

    public string Direction => Inbound ? "inbound" : "outbound";

    public DateTimeOffset Created { get; }

    public string CallUuid { get; internal set; }

    public string State { get; internal set; } = "CS_NEW";

    public string CallState { get; internal set; } = "DOWN";

    public string AnswerState { get; internal set; } = "ringing";

    public string? HangupCause { get; internal set; }

    /// <summary>Codec headers appear once the leg has media (at once for calls in, at answer for calls out).</summary>
    public bool HasMedia { get; internal set; }

    public string CallerIdName { get; internal set; } = string.Empty;

    public string CallerIdNumber { get; internal set; } = string.Empty;

    public string OrigCallerIdName { get; internal set; } = string.Empty;

    public string OrigCallerIdNumber { get; internal set; } = string.Empty;

    public string? CalleeIdName { get; internal set; }

    public string? CalleeIdNumber { get; internal set; }

    public string DestinationNumber { get; internal set; } = string.Empty;

    public string Context { get; internal set; } = "default";

    public string Source { get; internal set; } = "mod_sofia";

    public string Username { get; internal set; } = string.Empty;

    public string NetworkAddr { get; internal set; } = "127.0.0.1";

    /// <summary>The leg shown as <c>Other-Leg-*</c>, and whether it dialled this one (originator) or the reverse.</summary>
    public Leg? Other { get; internal set; }

    public string? OtherType { get; internal set; }

    public DateTimeOffset? Answered { get; internal set; }

    public DateTimeOffset? Progress { get; internal set; }

    public DateTimeOffset? ProgressMedia { get; internal set; }

    public DateTimeOffset? Bridged { get; internal set; }

    public DateTimeOffset? Transferred { get; internal set; }

    public DateTimeOffset? HungUp { get; internal set; }

    /// <summary>The application the leg runs now (for <c>show channels</c>).</summary>
    public string Application { get; internal set; } = string.Empty;

    public string ApplicationData { get; internal set; } = string.Empty;

    internal ChannelVariables Variables { get; } = new();

    /// <summary>False only at CS_NEW, before FreeSWITCH gave the leg its caller profile.</summary>
    internal bool HasProfile { get; set; } = true;

    /// <summary>Where API commands about this leg go: the flow that owns its call.</summary>
    internal System.Threading.Channels.ChannelWriter<Flows.Intervention>? Control { get; set; }

    public string? Variable(string name) => Variables[name];

    public override string ToString() => $"{Name} {Uuid}";
}
