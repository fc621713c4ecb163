using System.Text.Json.Serialization;

namespace FsBitrix.Core.Status;

/// <summary>
/// How a call ended, for the reports: answered, missed, or why the other side was not reached — the outcomes SIP's
/// final responses name (which Bitrix24's <c>STATUS_CODE</c> also uses; the service maps them at its boundary).
/// Stored in the outbox as those codes (<see cref="CallStatusCodes"/>), as it always was.
/// </summary>
[JsonConverter(typeof(CallStatusJsonConverter))]
public enum CallStatus
{
    /// <summary>Someone talked (200).</summary>
    Answered,

    /// <summary>An inbound call nobody answered (304): only inbound calls, where it starts the missed-call workflow.</summary>
    Missed,

    InsufficientFunds,
    Forbidden,
    InvalidNumber,
    Blocked,

    /// <summary>Not reached: no answer, not registered, timed out (480).</summary>
    TemporarilyUnavailable,

    DirectionUnavailable,
    Busy,
    ServiceUnavailable,
    Declined,

    /// <summary>The caller gave up or FreeSWITCH ended the attempt on purpose (603-S).</summary>
    Canceled,

    Other,
}
