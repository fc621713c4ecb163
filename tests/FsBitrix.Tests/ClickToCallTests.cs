using FsBitrix.Sandbox.Events;
using FsBitrix.Sandbox.State;
using FsBitrix.Tests.Support;
using Click = FsBitrix.Sandbox.Events.ClickToCall;

namespace FsBitrix.Tests;

/// <summary>
/// OnExternalCallStart end to end: the sandbox portal posts the event, the service originates on the fake
/// FreeSWITCH, which answers with the real captures (s12, s13) or edits of them; Bitrix24 ends up with exactly one
/// finish of the portal's own CALL_ID and no second register.
/// </summary>
[CancelAfter(60_000)]
public class ClickToCallTests
{
    private static readonly Click AnnaCallsIvan = new(2, "+79161234567") { CrmEntityType = "CONTACT", CrmEntityId = 797 };

    [Test]
    public async Task The_rep_rings_first_with_the_clients_number_and_crm_name_then_the_client_is_bridged()
    {
        await using ServiceHarness h = await ServiceHarness.StartAsync();

        SentEvent sent = await h.Portal.Events.StartClickToCallAsync(AnnaCallsIvan, h.EventsUrl);
        BgapiCommand originate = await h.FreeSwitch.NextBgapiAsync(ServiceHarness.Patience);

        Assert.That(sent.HandlerStatus, Is.EqualTo(200));
        Assert.That(originate.BitrixCallId, Is.EqualTo(sent.CallId));
        Assert.That(Guid.TryParse(originate.OriginationUuid, out _), Is.True);
        Assert.That(Guid.TryParse(originate.JobUuid, out _), Is.True, "a Job-UUID of ours, to match the BACKGROUND_JOB");
        Assert.That(originate.Variable("origination_caller_id_number"), Is.EqualTo("+79161234567"));
        Assert.That(originate.Variable("origination_caller_id_name"), Is.EqualTo("'Ivan Petrov'"), "the CRM name from searchCrmEntities");
        Assert.That(originate.Variable("originate_timeout"), Is.EqualTo("30"));
        Assert.That(originate.Command, Does.EndWith("}user/1001 &bridge({originate_timeout=60}sofia/gateway/default/+79161234567)"));
    }

    [Test]
    public async Task Client_answers_one_finish_of_the_portals_call_200_with_the_clients_talk_time()
    {
        await using ServiceHarness h = await ServiceHarness.StartAsync();
        SentEvent sent = await h.Portal.Events.StartClickToCallAsync(AnnaCallsIvan, h.EventsUrl);
        BgapiCommand originate = await h.FreeSwitch.NextBgapiAsync(ServiceHarness.Patience);

        await h.FreeSwitch.SendAsync(ClickToCallScript.Frames("s12_click_to_call.raw", originate, h.FreeSwitch.RecordingsFolder));
        SandboxFinishedCall call = await h.Portal.WaitForFinishAsync(sent.CallId!, ServiceHarness.Patience);

        Assert.That(call.StatusCode, Is.EqualTo("200"));
        Assert.That(call.Duration, Is.EqualTo(3), "the client's billsec, not the rep's (which includes the client's ringing)");
        Assert.That(call.UserId, Is.EqualTo(2));
        AssertOneFinishNoRegister(h);
    }

    [Test]
    public async Task Rep_does_not_pick_up_s13_finishes_not_answered_saying_so()
    {
        await using ServiceHarness h = await ServiceHarness.StartAsync();
        SentEvent sent = await h.Portal.Events.StartClickToCallAsync(AnnaCallsIvan, h.EventsUrl);
        BgapiCommand originate = await h.FreeSwitch.NextBgapiAsync(ServiceHarness.Patience);

        await h.FreeSwitch.SendAsync(ClickToCallScript.Frames("s13_click_to_call_rep_no_answer.raw", originate, h.FreeSwitch.RecordingsFolder));
        SandboxFinishedCall call = await h.Portal.WaitForFinishAsync(sent.CallId!, ServiceHarness.Patience);

        Assert.That(call.StatusCode, Is.EqualTo("480"));
        Assert.That(call.Duration, Is.Zero);
        Assert.That(call.FailedReason, Does.StartWith("The rep did not pick up").And.Contain("NO_ANSWER"));
        Assert.That(call.UserId, Is.EqualTo(2));
        AssertOneFinishNoRegister(h);
    }

    [TestCase("USER_BUSY", "486", "486", "Busy")]
    [TestCase("NO_ANSWER", null, "480", "No answer")]
    [TestCase("CALL_REJECTED", "603", "603", "Declined")]
    [TestCase("NO_ROUTE_DESTINATION", null, "484", "Not connected")]
    public async Task Client_does_not_answer_finishes_with_the_clients_status(string cause, string? sip, string status, string reason)
    {
        await using ServiceHarness h = await ServiceHarness.StartAsync();
        SentEvent sent = await h.Portal.Events.StartClickToCallAsync(AnnaCallsIvan, h.EventsUrl);
        BgapiCommand originate = await h.FreeSwitch.NextBgapiAsync(ServiceHarness.Patience);

        await h.FreeSwitch.SendAsync(ClickToCallScript.Frames("s12_click_to_call.raw", originate, h.FreeSwitch.RecordingsFolder,
            ClickToCallScript.ClientFails(cause, sip)));
        SandboxFinishedCall call = await h.Portal.WaitForFinishAsync(sent.CallId!, ServiceHarness.Patience);

        Assert.That(call.StatusCode, Is.EqualTo(status));
        Assert.That(call.Duration, Is.Zero);
        Assert.That(call.FailedReason, Does.StartWith(reason).And.Contain(cause));
        Assert.That(call.UserId, Is.EqualTo(2), "the rep's call, even though the client failed");
        AssertOneFinishNoRegister(h);
    }

    [Test]
    public async Task A_user_without_extension_is_finished_at_once_through_the_outbox_and_nothing_rings()
    {
        await using ServiceHarness h = await ServiceHarness.StartAsync();

        SentEvent sent = await h.Portal.Events.StartClickToCallAsync(new Click(1, "+79161234567"), h.EventsUrl);
        SandboxFinishedCall call = await h.Portal.WaitForFinishAsync(sent.CallId!, ServiceHarness.Patience);

        Assert.That(call.StatusCode, Is.EqualTo("480"));
        Assert.That(call.FailedReason, Does.Contain("user 1 has no phone extension"));
        Assert.That(h.FreeSwitch.Bgapis, Is.Empty);
        AssertOneFinishNoRegister(h);
    }

    [Test]
    public async Task A_user_without_extension_is_finished_as_theirs_not_the_default_users()
    {
        await using ServiceHarness h = await ServiceHarness.StartAsync(o => o.Bitrix.DefaultUserId = 3);

        SentEvent sent = await h.Portal.Events.StartClickToCallAsync(new Click(1, "+79161234567"), h.EventsUrl);
        SandboxFinishedCall call = await h.Portal.WaitForFinishAsync(sent.CallId!, ServiceHarness.Patience);

        Assert.That(call.UserId, Is.EqualTo(1), "the user who clicked, although Bitrix:DefaultUserId is 3");
        AssertOneFinishNoRegister(h);
    }

    [Test]
    public async Task FreeSwitch_refusing_the_bgapi_finishes_the_call_as_unavailable()
    {
        await using ServiceHarness h = await ServiceHarness.StartAsync();
        h.FreeSwitch.BgapiReply = _ => "-ERR permission denied";

        SentEvent sent = await h.Portal.Events.StartClickToCallAsync(AnnaCallsIvan, h.EventsUrl);
        SandboxFinishedCall call = await h.Portal.WaitForFinishAsync(sent.CallId!, ServiceHarness.Patience);

        Assert.That(call.StatusCode, Is.EqualTo("503"));
        Assert.That(call.FailedReason, Is.EqualTo("FreeSWITCH refused the originate: -ERR permission denied"));
        Assert.That(call.UserId, Is.EqualTo(2));
        AssertOneFinishNoRegister(h);
    }

    [Test]
    public async Task An_originate_job_failing_before_any_leg_existed_is_finished_once_with_its_cause()
    {
        await using ServiceHarness h = await ServiceHarness.StartAsync();
        SentEvent sent = await h.Portal.Events.StartClickToCallAsync(AnnaCallsIvan, h.EventsUrl);
        BgapiCommand originate = await h.FreeSwitch.NextBgapiAsync(ServiceHarness.Patience);

        await h.FreeSwitch.SendAsync([ClickToCallScript.BackgroundJob(originate.JobUuid, "-ERR USER_NOT_REGISTERED")]);
        SandboxFinishedCall call = await h.Portal.WaitForFinishAsync(sent.CallId!, ServiceHarness.Patience);

        Assert.That(call.StatusCode, Is.EqualTo("480"));
        Assert.That(call.FailedReason, Is.EqualTo("The rep did not pick up: Phone not reachable (USER_NOT_REGISTERED)"));
        Assert.That(call.UserId, Is.EqualTo(2));
        AssertOneFinishNoRegister(h);
    }

    private static void AssertOneFinishNoRegister(ServiceHarness h)
    {
        Assert.That(h.Portal.State.RequestCount("telephony.externalcall.finish"), Is.EqualTo(1));
        Assert.That(h.Portal.State.RequestCount("telephony.externalcall.register"), Is.Zero, "the portal registered the click itself");
        Assert.That(h.Portal.State.LiveCalls, Is.Empty);
    }
}
