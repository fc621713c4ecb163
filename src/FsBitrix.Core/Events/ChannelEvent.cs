using FsBitrix.Esl.Events;

namespace FsBitrix.Core.Events;

/// <summary>
/// An immutable copy of what the call logic needs from one ESL event. It owns its strings, so it outlives the
/// (possibly borrowed) <see cref="EslEvent"/> it was built from. Fields an event kind does not carry are null.
/// </summary>
public sealed record ChannelEvent(ChannelEventKind Kind, string? UniqueId, DateTimeOffset? Timestamp)
{
    /// <summary><c>variable_originator</c>: on a B-leg, the leg that dialled it, known from creation.</summary>
    public string? Originator { get; init; }

    public string? OtherLegUniqueId { get; init; }

    /// <summary>Not a call key: after a transfer it names the wrong leg (see the scenarios README).</summary>
    public string? ChannelCallUuid { get; init; }

    public string? OriginationUuid { get; init; }

    public string? BridgeAUniqueId { get; init; }

    public string? BridgeBUniqueId { get; init; }

    public CallDirection Direction { get; init; }

    public string? CallerIdNumber { get; init; }

    /// <summary>Survives the caller-id rewrites FreeSWITCH does on answer and after att_xfer.</summary>
    public string? OrigCallerIdNumber { get; init; }

    /// <summary>On a customer's inbound leg at creation, the DID the customer dialled.</summary>
    public string? DestinationNumber { get; init; }

    public string? CalleeIdNumber { get; init; }

    public string? Context { get; init; }

    /// <summary><c>variable_bitrix_call_id</c>: the CALL_ID of a click-to-call, on the rep's leg.</summary>
    public string? BitrixCallId { get; init; }

    /// <summary><c>variable_fsbitrix_queue</c>, set by the dialplan before handing a call to a queue.</summary>
    public string? Queue { get; init; }

    public HangupCause? HangupCause { get; init; }

    public int? Billsec { get; init; }

    public long? Billmsec { get; init; }

    /// <summary>Set only when FreeSWITCH received the final SIP status on this leg.</summary>
    public string? SipTermStatus { get; init; }

    public string? SipHangupDisposition { get; init; }

    public string? RecordFilePath { get; init; }

    public string? JobUuid { get; init; }

    public string? JobCommand { get; init; }

    /// <summary>The BACKGROUND_JOB body, trimmed: <c>+OK &lt;uuid&gt;</c> or <c>-ERR &lt;CAUSE&gt;</c>.</summary>
    public string? JobResult { get; init; }
}
