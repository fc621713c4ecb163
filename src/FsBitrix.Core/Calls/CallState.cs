using System.Collections.Immutable;

namespace FsBitrix.Core.Calls;

/// <summary>
/// One call as the reducer sees it. Keyed by its first leg's UUID (<see cref="CallKey"/>): the customer's leg of
/// an inbound call, the caller's leg of an outbound call, the rep's leg of a click-to-call. That leg keeps its
/// UUID through blind and attended transfers, so one key (and one Bitrix24 CALL_ID) covers the whole call.
/// </summary>
public sealed record CallState(string CallKey)
{
    public CallKind Kind { get; init; }

    /// <summary>Nothing of this call goes to Bitrix24 (skipped internal call, untracked call).</summary>
    public bool Silent { get; init; }

    /// <summary>The client's number (register's PHONE_NUMBER).</summary>
    public string? PhoneNumber { get; init; }

    /// <summary>The DID of an inbound call (register's LINE_NUMBER).</summary>
    public string? LineNumber { get; init; }

    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>The latest event time routed to this call: when it was last known alive, and how idle it is.</summary>
    public DateTimeOffset? LastEventAt { get; init; }

    /// <summary>The portal's CALL_ID, for a click-to-call.</summary>
    public string? BitrixCallId { get; init; }

    /// <summary>The extension that placed an outbound call, or the rep of a click-to-call.</summary>
    public string? CallerExtension { get; init; }

    public string? Queue { get; init; }

    /// <summary>Every leg seen, in creation order (the first is the call's own leg).</summary>
    public ImmutableList<LegState> Legs { get; init; } = [];

    /// <summary>Extensions that see the card now, in the order it was shown to them.</summary>
    public ImmutableList<string> CardsShownTo { get; init; } = [];

    /// <summary>The agent the client talks to now: the last to answer, until they leave for a colleague.</summary>
    public string? CurrentAgent { get; init; }

    /// <summary>The last agent whose phone the call was sent to, answered or not.</summary>
    public string? LastOfferedAgent { get; init; }

    public ImmutableList<string> Recordings { get; init; } = [];

    /// <summary>Voicemail messages the client left (files): the recording of a call nobody answered.</summary>
    public ImmutableList<string> Voicemails { get; init; } = [];

    /// <summary>The mailbox of the last message left: who a missed call belongs to when no phone rang.</summary>
    public string? VoicemailOwner { get; init; }

    public bool Finished { get; init; }

    /// <summary>
    /// The call was up across a gap in events (a reconnect, a restart): a leg may have been created, answered or ended
    /// unseen, so its finish is a guess the CDRs may correct (<see cref="FinishCall.Estimated"/>).
    /// </summary>
    public bool ThroughGap { get; init; }

    /// <summary>
    /// The FreeSWITCH domain (tenant) the call belongs to, lower case: learnt from its events until its first commands
    /// are sent, never changed after (every command of a call goes to one company's portal). Null: unknown.
    /// </summary>
    public string? Domain { get; init; }

    /// <summary>The FreeSWITCH node the call lives on (<c>ChannelEvent.Node</c> of its first event); null with one node.</summary>
    public string? Node { get; init; }

    /// <summary>The call's first commands wait for its domain (<see cref="CallSettings.HoldUntilDomain"/>).</summary>
    public bool FirstCommandsHeld { get; init; }

    /// <summary>All legs have hung up: the call's event group can complete.</summary>
    public bool IsOver => !Legs.IsEmpty && Legs.TrueForAll(l => l.Ended);

    public static CallState Start(string callKey) => new(callKey);

    public LegState? Leg(string? uuid) => uuid is null ? null : Legs.Find(l => l.Uuid == uuid);

    public CallState WithLeg(LegState leg)
    {
        int i = Legs.FindIndex(l => l.Uuid == leg.Uuid);
        return this with { Legs = i < 0 ? Legs.Add(leg) : Legs.SetItem(i, leg) };
    }
}
