using FsBitrix.Esl.Events;
using static FsBitrix.Core.Status.CallStatus;

namespace FsBitrix.Core.Status;

/// <summary>
/// The Bitrix24 status of a call nobody answered, where "missed" (304) does not apply: outgoing calls and
/// click-to-calls. A final SIP status received from the far end wins when Bitrix24 has the same code; else the
/// FreeSWITCH hangup cause decides.
/// </summary>
public static class UnansweredStatus
{
    // The final SIP responses that name a status of their own; any other falls back to the hangup cause.
    private static readonly HashSet<CallStatus> SipStatuses =
        [InsufficientFunds, Forbidden, InvalidNumber, Blocked, TemporarilyUnavailable, DirectionUnavailable, Busy,
         ServiceUnavailable, Declined];

    public static CallStatus For(HangupCause? cause, string? sipTermStatus) =>
        CallStatusCodes.Parse(sipTermStatus) is { } sip && SipStatuses.Contains(sip)
            ? sip
            : cause is { } c ? ForCause(c) : Other;

    public static CallStatus ForCause(HangupCause cause) => cause switch
    {
        HangupCause.USER_BUSY or HangupCause.BUSY_EVERYWHERE => Busy,

        HangupCause.NO_ANSWER or HangupCause.NO_USER_RESPONSE or HangupCause.SUBSCRIBER_ABSENT
            or HangupCause.USER_NOT_REGISTERED or HangupCause.ALLOTTED_TIMEOUT or HangupCause.PROGRESS_TIMEOUT
            or HangupCause.MEDIA_TIMEOUT or HangupCause.RECOVERY_ON_TIMER_EXPIRE or HangupCause.NO_PICKUP
            or HangupCause.NORMAL_UNSPECIFIED => TemporarilyUnavailable,

        HangupCause.CALL_REJECTED or HangupCause.DECLINE or HangupCause.UNWANTED
            or HangupCause.REJECT_ALL => Declined,

        // The caller gave up, or FreeSWITCH ended the attempt on purpose: a cancelled call, not a failure.
        HangupCause.ORIGINATOR_CANCEL or HangupCause.NORMAL_CLEARING or HangupCause.LOSE_RACE
            or HangupCause.PICKED_OFF or HangupCause.MANAGER_REQUEST or HangupCause.BLIND_TRANSFER
            or HangupCause.ATTENDED_TRANSFER or HangupCause.SUCCESS => Canceled,

        HangupCause.UNALLOCATED_NUMBER or HangupCause.NUMBER_CHANGED or HangupCause.REDIRECTION_TO_NEW_DESTINATION
            or HangupCause.INVALID_NUMBER_FORMAT or HangupCause.DOES_NOT_EXIST_ANYWHERE => InvalidNumber,

        HangupCause.NO_ROUTE_TRANSIT_NET or HangupCause.NO_ROUTE_DESTINATION or HangupCause.EXCHANGE_ROUTING_ERROR
            or HangupCause.INVALID_GATEWAY or HangupCause.INVALID_PROFILE or HangupCause.INVALID_URL
            or HangupCause.INCOMPATIBLE_DESTINATION => DirectionUnavailable,

        HangupCause.NORMAL_CIRCUIT_CONGESTION or HangupCause.NETWORK_OUT_OF_ORDER
            or HangupCause.NORMAL_TEMPORARY_FAILURE or HangupCause.SWITCH_CONGESTION
            or HangupCause.REQUESTED_CHAN_UNAVAIL or HangupCause.GATEWAY_DOWN
            or HangupCause.DESTINATION_OUT_OF_ORDER or HangupCause.SERVICE_UNAVAILABLE
            or HangupCause.SYSTEM_SHUTDOWN or HangupCause.CRASH => ServiceUnavailable,

        HangupCause.OUTGOING_CALL_BARRED or HangupCause.INCOMING_CALL_BARRED
            or HangupCause.BEARERCAPABILITY_NOTAUTH or HangupCause.FACILITY_NOT_SUBSCRIBED
            or HangupCause.NO_IDENTITY or HangupCause.BAD_IDENTITY_INFO or HangupCause.UNSUPPORTED_CERTIFICATE
            or HangupCause.INVALID_IDENTITY or HangupCause.STALE_DATE => Forbidden,

        _ => Other,
    };
}
