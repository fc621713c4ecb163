using System.Collections.Frozen;

namespace FsBitrix.Core.Status;

/// <summary>
/// <see cref="CallStatus"/> as SIP-style codes: how a final SIP response FreeSWITCH reports (<c>sip_term_status</c>)
/// reads, and how the outbox stores a finish's status (unchanged from the codes it stored before the enum).
/// </summary>
public static class CallStatusCodes
{
    private static readonly FrozenDictionary<CallStatus, string> Codes = new Dictionary<CallStatus, string>
    {
        [CallStatus.Answered] = "200",
        [CallStatus.Missed] = "304",
        [CallStatus.InsufficientFunds] = "402",
        [CallStatus.Forbidden] = "403",
        [CallStatus.InvalidNumber] = "404",
        [CallStatus.Blocked] = "423",
        [CallStatus.TemporarilyUnavailable] = "480",
        [CallStatus.DirectionUnavailable] = "484",
        [CallStatus.Busy] = "486",
        [CallStatus.ServiceUnavailable] = "503",
        [CallStatus.Declined] = "603",
        [CallStatus.Canceled] = "603-S",
        [CallStatus.Other] = "OTHER",
    }.ToFrozenDictionary();

    private static readonly FrozenDictionary<string, CallStatus> Statuses = Codes.ToFrozenDictionary(p => p.Value, p => p.Key, StringComparer.OrdinalIgnoreCase);

    public static string Of(CallStatus status) => Codes[status];

    /// <summary>The status a code names, or null for a code outside the list (most SIP codes).</summary>
    public static CallStatus? Parse(string? code) => code is not null && Statuses.TryGetValue(code, out CallStatus status) ? status : null;
}
