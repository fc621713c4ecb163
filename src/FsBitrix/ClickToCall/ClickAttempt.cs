namespace FsBitrix.ClickToCall;

/// <summary>
/// One accepted event on its way to FreeSWITCH, kept durably so that the service stopping at any point cannot
/// leave the portal's call unfinished: an attempt still <see cref="ClickAttemptState.Accepted"/> or
/// <see cref="ClickAttemptState.Originating"/> at start-up is placed or finished by <see cref="ClickToCallRecovery"/>.
/// </summary>
/// <param name="Legs">The <c>origination_uuid</c>s of the phones rung first; the first is chosen at acceptance and keys the call.</param>
internal sealed record ClickAttempt(BitrixCallEvent Event, IReadOnlyList<string> Legs)
{
    public ClickAttemptState State { get; init; } = ClickAttemptState.Accepted;

    public DateTimeOffset AcceptedAt { get; init; }

    /// <summary>The portal's CALL_ID: the click's own, or the one a callback was registered under.</summary>
    public string? CallId { get; init; }

    /// <summary>The extensions rung, in the order of <see cref="Legs"/> (known once originating).</summary>
    public IReadOnlyList<string> Extensions { get; init; } = [];

    public string Leg => Legs[0];

    public static ClickAttempt Accept(BitrixCallEvent e) => new(e, [Guid.NewGuid().ToString()]) { CallId = e.CallId };
}

internal enum ClickAttemptState
{
    /// <summary>Answered 200 to Bitrix24; nothing sent to FreeSWITCH yet.</summary>
    Accepted,

    /// <summary>The originate is (about to be) sent: FreeSWITCH may or may not have the legs.</summary>
    Originating,

    /// <summary>Its outcome is with the call tracker: the outbox finishes it, from its legs' events or at once.</summary>
    Done,
}
