using FsBitrix.Esl.Events;

namespace FsBitrix.Core.Calls;

/// <summary>One leg of a call as the reducer knows it; roles and numbers come from its CHANNEL_CREATE.</summary>
public sealed record LegState(string Uuid, LegRole Role, string? Extension)
{
    /// <summary>Its card has been shown (it rang or answered).</summary>
    public bool Offered { get; init; }

    public bool Answered { get; init; }

    /// <summary>Its CHANNEL_ANSWER's time: what a talk time is inferred from when its hangup is never seen.</summary>
    public DateTimeOffset? AnsweredAt { get; init; }

    /// <summary>CHANNEL_HANGUP_COMPLETE seen: the leg is gone.</summary>
    public bool Ended { get; init; }

    /// <summary>When it ended: its CHANNEL_HANGUP_COMPLETE's time, or when it was last known up if that was never seen.</summary>
    public DateTimeOffset? EndedAt { get; init; }

    /// <summary>
    /// Ended without a CHANNEL_HANGUP_COMPLETE: gone from FreeSWITCH when the service looked after a gap, or
    /// expired idle. Its cause and SIP status are unknown and its <see cref="Billsec"/> is an estimate.
    /// </summary>
    public bool EndInferred { get; init; }

    public int Billsec { get; init; }

    public HangupCause? HangupCause { get; init; }

    public string? SipTermStatus { get; init; }

    public bool IsLiveAgent => Role == LegRole.Agent && !Ended;
}
