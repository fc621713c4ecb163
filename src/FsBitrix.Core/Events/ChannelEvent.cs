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

    /// <summary>
    /// <c>variable_cc_member_session_uuid</c>: on a mod_callcenter agent leg, the member's (client's) leg. mod_callcenter
    /// originates agent legs without a session, so this is their only link to the call.
    /// </summary>
    public string? CcMemberSessionUuid { get; init; }

    /// <summary><c>variable_loopback_leg</c> (<c>A</c> or <c>B</c>): the leg is one half of a <c>loopback/</c> channel, a wire.</summary>
    public string? LoopbackLeg { get; init; }

    /// <summary><c>variable_other_loopback_leg_uuid</c>: the other half of the loopback channel.</summary>
    public string? OtherLoopbackLegUuid { get; init; }

    /// <summary><c>variable_other_loopback_from_uuid</c>: on the B half, the leg that dialled the A half.</summary>
    public string? OtherLoopbackFromUuid { get; init; }

    /// <summary><c>variable_dialed_user</c>: set by the <c>user/</c> endpoint on the leg ringing a directory user.</summary>
    public string? DialedUser { get; init; }

    /// <summary><c>variable_dialed_domain</c>: that user's directory domain (the tenant).</summary>
    public string? DialedDomain { get; init; }

    /// <summary><c>variable_dialed_extension</c>: set by FusionPBX-style dial strings (follow-me, ring groups).</summary>
    public string? DialedExtension { get; init; }

    /// <summary><c>variable_presence_id</c>: <c>extension@domain</c> of the user whose phone this leg rings.</summary>
    public string? PresenceId { get; init; }

    /// <summary>On CHANNEL_BRIDGE: when this leg was created (<c>Caller-Channel-Created-Time</c>).</summary>
    public DateTimeOffset? CreatedAt { get; init; }

    /// <summary>On CHANNEL_BRIDGE: when the other leg was created (<c>Other-Leg-Channel-Created-Time</c>).</summary>
    public DateTimeOffset? OtherLegCreatedAt { get; init; }

    /// <summary>
    /// On CHANNEL_BRIDGE: the other leg's original caller number. A phone that picked a call up has its caller id
    /// switched to the client's; its own number survives here.
    /// </summary>
    public string? OtherLegOrigCallerIdNumber { get; init; }

    /// <summary>The message file of a voicemail left on this leg (vm::maintenance, or <c>variable_voicemail_file_path</c>).</summary>
    public string? VoicemailFilePath { get; init; }

    /// <summary>The mailbox the message was left in (<c>VM-User</c>, <c>variable_voicemail_account</c>).</summary>
    public string? VoicemailAccount { get; init; }

    /// <summary>
    /// The leg's answer as this event tells it, whatever its kind: <c>Answer-State: answered</c> (at this event's time),
    /// or at CHANNEL_HANGUP_COMPLETE <c>variable_answer_uepoch</c>. A service that was down when CHANNEL_ANSWER came
    /// still learns that the leg was answered, and when.
    /// </summary>
    public DateTimeOffset? AnsweredAt { get; init; }

    /// <summary>
    /// <c>variable_domain_name</c>: the FreeSWITCH domain (the tenant) the dialplan or the directory put on this leg.
    /// A DID sets it after the leg's creation, so it first shows on the leg's next events.
    /// </summary>
    public string? DomainName { get; init; }

    /// <summary>
    /// The FreeSWITCH node whose event socket delivered it (<c>Esl:Nodes</c>), null with one node. Not in FreeSWITCH's
    /// event: the service stamps it, so that a call is followed on the node it lives on.
    /// </summary>
    public string? Node { get; init; }
}
