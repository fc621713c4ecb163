using FsBitrix.Core.Status;
using BitrixCallType = FsBitrix.Bitrix24.Telephony.CallType;
using BitrixStatus = FsBitrix.Bitrix24.Telephony.CallStatusCodes;
using CoreCallType = FsBitrix.Core.Calls.CallType;

namespace FsBitrix.Outbox;

/// <summary>
/// Where the call tracker's words become Bitrix24's: spelled out value by value, so that renumbering or renaming on
/// either side can never send a call of the wrong kind or status.
/// </summary>
internal static class BitrixVocabulary
{
    public static BitrixCallType TypeOf(CoreCallType type) => type switch
    {
        CoreCallType.Outbound => BitrixCallType.Outgoing,
        CoreCallType.Inbound => BitrixCallType.Incoming,
        CoreCallType.InboundWithRedirection => BitrixCallType.IncomingRedirected,
        CoreCallType.Callback => BitrixCallType.Callback,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "a call type Bitrix24 has no TYPE for"),
    };

    /// <summary>The finish's <c>STATUS_CODE</c>.</summary>
    public static string StatusCodeOf(CallStatus status) => status switch
    {
        CallStatus.Answered => BitrixStatus.Success,
        CallStatus.Missed => BitrixStatus.Missed,
        CallStatus.InsufficientFunds => BitrixStatus.InsufficientFunds,
        CallStatus.Forbidden => BitrixStatus.Forbidden,
        CallStatus.InvalidNumber => BitrixStatus.InvalidNumber,
        CallStatus.Blocked => BitrixStatus.Blocked,
        CallStatus.TemporarilyUnavailable => BitrixStatus.TemporarilyUnavailable,
        CallStatus.DirectionUnavailable => BitrixStatus.DirectionUnavailable,
        CallStatus.Busy => BitrixStatus.Busy,
        CallStatus.ServiceUnavailable => BitrixStatus.ServiceUnavailable,
        CallStatus.Declined => BitrixStatus.Declined,
        CallStatus.Canceled => BitrixStatus.Canceled,
        CallStatus.Other => BitrixStatus.Other,
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "a call status Bitrix24 has no STATUS_CODE for"),
    };
}
