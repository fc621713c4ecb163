using FsBitrix.Core.Status;
using FsBitrix.Esl.Events;

namespace FsBitrix.Core.Tests;

/// <summary>Hangup cause → Bitrix24 STATUS_CODE for calls nobody answered (outgoing, click-to-call).</summary>
public sealed class UnansweredStatusTests
{
    [TestCase(HangupCause.USER_BUSY, "486")]
    [TestCase(HangupCause.BUSY_EVERYWHERE, "486")]
    [TestCase(HangupCause.NO_ANSWER, "480")]
    [TestCase(HangupCause.NO_USER_RESPONSE, "480")]
    [TestCase(HangupCause.SUBSCRIBER_ABSENT, "480")]
    [TestCase(HangupCause.USER_NOT_REGISTERED, "480")]
    [TestCase(HangupCause.ALLOTTED_TIMEOUT, "480")]
    [TestCase(HangupCause.PROGRESS_TIMEOUT, "480")]
    [TestCase(HangupCause.MEDIA_TIMEOUT, "480")]
    [TestCase(HangupCause.RECOVERY_ON_TIMER_EXPIRE, "480")]
    [TestCase(HangupCause.NO_PICKUP, "480")]
    [TestCase(HangupCause.NORMAL_UNSPECIFIED, "480")]
    [TestCase(HangupCause.CALL_REJECTED, "603")]
    [TestCase(HangupCause.DECLINE, "603")]
    [TestCase(HangupCause.UNWANTED, "603")]
    [TestCase(HangupCause.REJECT_ALL, "603")]
    [TestCase(HangupCause.ORIGINATOR_CANCEL, "603-S")]
    [TestCase(HangupCause.NORMAL_CLEARING, "603-S")]
    [TestCase(HangupCause.LOSE_RACE, "603-S")]
    [TestCase(HangupCause.PICKED_OFF, "603-S")]
    [TestCase(HangupCause.MANAGER_REQUEST, "603-S")]
    [TestCase(HangupCause.BLIND_TRANSFER, "603-S")]
    [TestCase(HangupCause.ATTENDED_TRANSFER, "603-S")]
    [TestCase(HangupCause.SUCCESS, "603-S")]
    [TestCase(HangupCause.UNALLOCATED_NUMBER, "404")]
    [TestCase(HangupCause.NUMBER_CHANGED, "404")]
    [TestCase(HangupCause.REDIRECTION_TO_NEW_DESTINATION, "404")]
    [TestCase(HangupCause.INVALID_NUMBER_FORMAT, "404")]
    [TestCase(HangupCause.DOES_NOT_EXIST_ANYWHERE, "404")]
    [TestCase(HangupCause.NO_ROUTE_TRANSIT_NET, "484")]
    [TestCase(HangupCause.NO_ROUTE_DESTINATION, "484")]
    [TestCase(HangupCause.EXCHANGE_ROUTING_ERROR, "484")]
    [TestCase(HangupCause.INVALID_GATEWAY, "484")]
    [TestCase(HangupCause.INVALID_PROFILE, "484")]
    [TestCase(HangupCause.INVALID_URL, "484")]
    [TestCase(HangupCause.INCOMPATIBLE_DESTINATION, "484")]
    [TestCase(HangupCause.NORMAL_CIRCUIT_CONGESTION, "503")]
    [TestCase(HangupCause.NETWORK_OUT_OF_ORDER, "503")]
    [TestCase(HangupCause.NORMAL_TEMPORARY_FAILURE, "503")]
    [TestCase(HangupCause.SWITCH_CONGESTION, "503")]
    [TestCase(HangupCause.REQUESTED_CHAN_UNAVAIL, "503")]
    [TestCase(HangupCause.GATEWAY_DOWN, "503")]
    [TestCase(HangupCause.DESTINATION_OUT_OF_ORDER, "503")]
    [TestCase(HangupCause.SERVICE_UNAVAILABLE, "503")]
    [TestCase(HangupCause.SYSTEM_SHUTDOWN, "503")]
    [TestCase(HangupCause.CRASH, "503")]
    [TestCase(HangupCause.OUTGOING_CALL_BARRED, "403")]
    [TestCase(HangupCause.INCOMING_CALL_BARRED, "403")]
    [TestCase(HangupCause.BEARERCAPABILITY_NOTAUTH, "403")]
    [TestCase(HangupCause.FACILITY_NOT_SUBSCRIBED, "403")]
    [TestCase(HangupCause.NO_IDENTITY, "403")]
    [TestCase(HangupCause.BAD_IDENTITY_INFO, "403")]
    [TestCase(HangupCause.UNSUPPORTED_CERTIFICATE, "403")]
    [TestCase(HangupCause.INVALID_IDENTITY, "403")]
    [TestCase(HangupCause.STALE_DATE, "403")]
    [TestCase(HangupCause.NONE, "OTHER")]
    [TestCase(HangupCause.INTERWORKING, "OTHER")]
    [TestCase(HangupCause.PROTOCOL_ERROR, "OTHER")]
    [TestCase(HangupCause.FACILITY_REJECTED, "OTHER")]
    [TestCase(HangupCause.CHANNEL_UNACCEPTABLE, "OTHER")]
    [TestCase(HangupCause.BOWOUT, "OTHER")]
    public void Cause_maps_to_status(HangupCause cause, string status)
    {
        Assert.That(CallStatusCodes.Of(UnansweredStatus.For(cause, sipTermStatus: null)), Is.EqualTo(status));
    }

    [Test]
    public void Every_cause_maps_to_a_documented_failure_code_never_success_or_missed()
    {
        string[] documented = ["402", "403", "404", "423", "480", "484", "486", "503", "603", "603-S", "OTHER"];
        foreach (HangupCause cause in Enum.GetValues<HangupCause>())
        {
            Assert.That(CallStatusCodes.Of(UnansweredStatus.ForCause(cause)), Is.AnyOf(documented), cause.ToString());
        }
    }

    [TestCase("402", HangupCause.CALL_REJECTED, "402")]
    [TestCase("423", HangupCause.INTERWORKING, "423")]
    [TestCase("486", HangupCause.NORMAL_CLEARING, "486")]
    [TestCase("404", HangupCause.UNALLOCATED_NUMBER, "404")]
    public void A_received_sip_status_bitrix_knows_wins_over_the_cause(string sip, HangupCause cause, string status)
    {
        Assert.That(CallStatusCodes.Of(UnansweredStatus.For(cause, sip)), Is.EqualTo(status));
    }

    [TestCase("487", HangupCause.ORIGINATOR_CANCEL, "603-S")]
    [TestCase("200", HangupCause.NORMAL_CLEARING, "603-S")]
    [TestCase("408", HangupCause.RECOVERY_ON_TIMER_EXPIRE, "480")]
    public void A_sip_status_bitrix_does_not_know_falls_back_to_the_cause(string sip, HangupCause cause, string status)
    {
        Assert.That(CallStatusCodes.Of(UnansweredStatus.For(cause, sip)), Is.EqualTo(status));
    }

    [Test]
    public void No_cause_and_no_status_is_other()
    {
        Assert.That(UnansweredStatus.For(null, null), Is.EqualTo(CallStatus.Other));
    }

    [TestCase(HangupCause.USER_BUSY, null, "Busy (USER_BUSY)")]
    [TestCase(HangupCause.ORIGINATOR_CANCEL, "487", "Caller hung up before an answer (ORIGINATOR_CANCEL, SIP 487)")]
    [TestCase(HangupCause.GATEWAY_DOWN, null, "Not connected (GATEWAY_DOWN)")]
    [TestCase(null, "503", "Not answered (SIP 503)")]
    public void Failed_reason_names_the_cause(HangupCause? cause, string? sip, string reason)
    {
        Assert.That(FailedReasons.Describe(cause, sip), Is.EqualTo(reason));
    }
}
