using System.Globalization;
using FsBitrix.Bitrix24.Params;

namespace FsBitrix.Bitrix24.Telephony;

/// <summary>Parameters of <c>telephony.externalcall.finish</c>; every field is sent explicitly.</summary>
public sealed record FinishCallRequest
{
    public required string CallId { get; init; }

    /// <summary>The user who ends the call; becomes responsible for CRM entities created by it.</summary>
    public int? UserId { get; init; }

    public string? UserPhoneInner { get; init; }

    /// <summary>Talk time in seconds; Bitrix24 counts the call as successful exactly when it is above zero.</summary>
    public required int Duration { get; init; }

    /// <summary>See <see cref="CallStatusCodes"/>.</summary>
    public required string StatusCode { get; init; }

    public decimal Cost { get; init; }

    public string CostCurrency { get; init; } = string.Empty;

    public string FailedReason { get; init; } = string.Empty;

    /// <summary>1–5, or 0 for no vote.</summary>
    public int Vote { get; init; }

    /// <summary>Post the call to the user's chat. The documented default flips between versions; the code's is false.</summary>
    public bool AddToChat { get; init; }

    /// <summary>Deprecated by Bitrix24 in favour of attachRecord; downloaded silently, at most twice.</summary>
    public string? RecordUrl { get; init; }

    /// <summary>
    /// Set when an earlier finish of this call may have run (it failed with <c>MayHaveExecuted</c>); a
    /// "Call is not found" answer then means it did, and is reported as <see cref="FinishOutcome.AlreadyFinished"/>.
    /// The client also remembers this by itself for as long as it lives; this flag carries it across restarts.
    /// </summary>
    public bool AfterAmbiguousAttempt { get; init; }

    internal BitrixParams ToParams()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(CallId);
        ArgumentException.ThrowIfNullOrWhiteSpace(StatusCode);
        if (UserId is null && string.IsNullOrWhiteSpace(UserPhoneInner))
        {
            throw new ArgumentException("finish needs UserId or UserPhoneInner (Bitrix24: \"USER_ID or USER_PHONE_INNER should be set\").");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(Duration);
        ArgumentOutOfRangeException.ThrowIfNegative(Cost);
        if (Vote is < 0 or > 5)
        {
            throw new ArgumentOutOfRangeException(nameof(Vote), Vote, "VOTE is 1–5, or 0 for none.");
        }

        return new BitrixParams()
            .Add("CALL_ID", CallId)
            .AddIfNotNull("USER_ID", UserId)
            .AddIfNotNull("USER_PHONE_INNER", UserPhoneInner)
            .Add("DURATION", (long)Duration)
            .Add("STATUS_CODE", StatusCode)
            .Add("COST", (double)Cost)
            .Add("COST_CURRENCY", CostCurrency)
            .Add("FAILED_REASON", FailedReason)
            .Add("VOTE", (long)Vote)
            .AddFlag("ADD_TO_CHAT", AddToChat)
            .AddIfNotNull("RECORD_URL", RecordUrl);
    }

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"finish {CallId} by {UserId?.ToString(CultureInfo.InvariantCulture) ?? UserPhoneInner} {StatusCode} {Duration}s");
}
