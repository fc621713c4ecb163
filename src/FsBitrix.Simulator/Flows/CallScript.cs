namespace FsBitrix.Simulator.Flows;

/// <summary>The shape of a call: how its first leg comes to be.</summary>
public enum FlowKind
{
    /// <summary>A customer calls a DID; the dialplan records and bridges to agents' phones.</summary>
    Inbound,

    /// <summary>An extension dials an external number through the gateway.</summary>
    Outbound,

    /// <summary><c>bgapi originate</c>: the rep's phone first, then <c>&amp;bridge</c> to the client.</summary>
    ClickToCall,
}

/// <summary>What a dialled phone does.</summary>
public enum PhoneAction
{
    Answers,
    NeverAnswers,

    /// <summary>486 Busy Here at once (USER_BUSY).</summary>
    Busy,

    /// <summary>603 Decline after ringing (CALL_REJECTED).</summary>
    Rejects,
}

/// <summary>Who hangs up a call that was answered.</summary>
public enum Side
{
    /// <summary>The first leg: the customer, the calling extension, the rep of a click-to-call.</summary>
    Caller,

    /// <summary>The party that answered: the agent, the client.</summary>
    Callee,
}

/// <summary>One phone the switch dials, and what it does after ringing for <see cref="After"/>.</summary>
public sealed record Phone(string Number, PhoneAction Action = PhoneAction.Answers, TimeSpan? After = null)
{
    public TimeSpan RingTime => After ?? TimeSpan.FromSeconds(2);

    /// <summary>
    /// Follow-me: <see cref="Number"/> is this extension's mobile, dialled as
    /// <c>[dialed_extension=…,presence_id=…]loopback/&lt;mobile&gt;/followme</c> (two loopback halves, then the gateway leg).
    /// </summary>
    public string? FollowMeOf { get; init; }
}

/// <summary>A voicemail message left when nobody answered: 1 s beep, then <see cref="Length"/> of message.</summary>
public sealed record Voicemail(string Mailbox, TimeSpan Length);

/// <summary>
/// Phones rung together (ring-all when more than one) for at most <see cref="Timeout"/> (null: the script's call
/// timeout; ends NO_ANSWER) or <see cref="LegTimeout"/> (<c>[leg_timeout=N]</c> in the dial string; ends ALLOTTED_TIMEOUT).
/// </summary>
public sealed record RingGroup(IReadOnlyList<Phone> Phones, TimeSpan? Timeout = null, TimeSpan? LegTimeout = null)
{
    public static RingGroup Of(params Phone[] phones) => new(phones);
}

/// <summary>A blind transfer (<c>uuid_transfer &lt;agent-leg&gt; -bleg &lt;extension&gt;</c>) after some talk.</summary>
public sealed record BlindTransfer(TimeSpan After, Phone To);

/// <summary>
/// A call flow as data: who calls which number, which phones ring in which order and what they do, how long the
/// talk lasts and who hangs up. Times are virtual (the simulator's speed factor scales them).
/// </summary>
public sealed record CallScript
{
    /// <summary>For logs and the demo's narration.</summary>
    public string Name { get; init; } = "call";

    public required FlowKind Kind { get; init; }

    /// <summary>Inbound: the customer's number. Outbound: the calling extension. Click-to-call: the number shown to the rep.</summary>
    public required string From { get; init; }

    /// <summary>Inbound: the DID. Outbound and click-to-call: the client's number.</summary>
    public required string To { get; init; }

    /// <summary>
    /// Inbound: agent groups tried in order (sequential when several). Outbound: the client's phone.
    /// Click-to-call: the rep's phone, then the client's.
    /// </summary>
    public required IReadOnlyList<RingGroup> Rings { get; init; }

    /// <summary>Talk with the (last) party that answered.</summary>
    public TimeSpan Talk { get; init; } = TimeSpan.FromSeconds(3);

    public Side HangsUp { get; init; } = Side.Caller;

    /// <summary>The caller gives up (CANCEL) this long after the call started, if nobody answered by then.</summary>
    public TimeSpan? CallerGivesUpAfter { get; init; }

    public BlindTransfer? Transfer { get; init; }

    /// <summary><c>record_session</c> on the first leg (inbound and outbound dialplans).</summary>
    public bool Record { get; init; } = true;

    /// <summary>Set as <c>variable_fsbitrix_queue</c> on the customer's leg.</summary>
    public string? Queue { get; init; }

    /// <summary>The ring timeout when a group has none (<c>call_timeout</c>, <c>originate_timeout</c>).</summary>
    public TimeSpan CallTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Click-to-call: the originate's own <c>{...}</c> variables (bitrix_call_id, origination_uuid...).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> OriginateVariables { get; init; } = [];

    /// <summary>Click-to-call: the number the client sees (origination_caller_id_number inside &amp;bridge).</summary>
    public string? PresentedNumber { get; init; }

    /// <summary>The first leg's UUID (origination_uuid); a fresh one when null.</summary>
    public string? FirstLegUuid { get; init; }

    /// <summary>
    /// The tenant, set as <c>domain_name</c> on the caller's leg; phones are then directory users dialled as
    /// <c>user/&lt;ext&gt;@domain</c>, whose legs carry <c>dialed_user</c>, <c>dialed_domain</c> and <c>presence_id</c>.
    /// </summary>
    public string? Domain { get; init; }

    /// <summary>An IVR: the dialplan answers the caller and plays a greeting this long before any phone rings.</summary>
    public TimeSpan? Greeting { get; init; }

    /// <summary>
    /// A <c>mod_callcenter</c> queue (<c>name@domain</c>): the caller is answered and waits with music while the queue
    /// originates agent legs without the caller's session (ring groups: ring-all when several phones, top-down as
    /// groups one after another); an answering agent is bridged with <c>uuid_bridge</c>.
    /// </summary>
    public string? Callcenter { get; init; }

    /// <summary>Nobody answered: the dialplan answers and the caller leaves this message.</summary>
    public Voicemail? Voicemail { get; init; }
}
