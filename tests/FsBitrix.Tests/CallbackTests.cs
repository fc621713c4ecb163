using System.Text;
using FsBitrix.Sandbox.Events;
using FsBitrix.Sandbox.State;
using FsBitrix.Tests.Support;

namespace FsBitrix.Tests;

/// <summary>
/// OnExternalCallBackStart: the event carries no CALL_ID, so the service registers a TYPE 4 call itself, rings the
/// callback extension first and then dials the client; the tracker finishes that CALL_ID from the legs' events.
/// </summary>
[CancelAfter(60_000)]
public class CallbackTests
{
    [Test]
    public async Task A_callback_is_registered_as_type_4_rings_the_configured_extension_and_is_finished_once()
    {
        await using ServiceHarness h = await ServiceHarness.StartAsync(o => o.ClickToCall.CallbackExtension = "1001");

        SentEvent sent = await h.Portal.Events.StartCallbackAsync(new CallbackRequest("+79161234567") { CrmEntityId = 797 }, h.EventsUrl);
        BgapiCommand originate = await h.FreeSwitch.NextBgapiAsync(ServiceHarness.Patience);

        Assert.That(sent.HandlerStatus, Is.EqualTo(200));
        SandboxLiveCall registered = h.Portal.State.LiveCalls.Single();
        Assert.That(registered.Type, Is.EqualTo(4));
        Assert.That(registered.ExternalCallId, Is.EqualTo(originate.OriginationUuid));
        Assert.That(registered.UserId, Is.EqualTo(2), "registered for the agent about to ring");
        Assert.That(originate.BitrixCallId, Is.EqualTo(registered.CallId));
        Assert.That(originate.Command, Does.Contain("}user/1001 &bridge("));

        await h.FreeSwitch.SendAsync(ClickToCallScript.Frames("s12_click_to_call.raw", originate, h.FreeSwitch.RecordingsFolder));
        SandboxFinishedCall call = await h.Portal.WaitForFinishAsync(registered.CallId, ServiceHarness.Patience);

        Assert.That(call.StatusCode, Is.EqualTo("200"));
        Assert.That(call.Duration, Is.EqualTo(3));
        Assert.That(h.Portal.State.RequestCount("telephony.externalcall.register"), Is.EqualTo(1));
        Assert.That(h.Portal.State.RequestCount("telephony.externalcall.finish"), Is.EqualTo(1));
    }

    [Test]
    public async Task A_callback_rung_on_a_group_is_finished_once_for_whoever_answered()
    {
        await using ServiceHarness h = await ServiceHarness.StartAsync(o => o.ClickToCall.CallbackExtensions = ["1001", "1002"]);

        await h.Portal.Events.StartCallbackAsync(new CallbackRequest("+79161234567") { CrmEntityId = 797 }, h.EventsUrl);
        BgapiCommand originate = await h.FreeSwitch.NextBgapiAsync(ServiceHarness.Patience);
        SandboxLiveCall registered = h.Portal.State.LiveCalls.Single();
        IReadOnlyList<string> legs = originate.LegUuids;

        // 1001 rings; 1002 answers, so 1001's leg ends, having lost the race; 1002 talks to the client.
        string folder = h.FreeSwitch.RecordingsFolder;
        const string s13 = "s13_click_to_call_rep_no_answer.raw";
        List<byte[]> talk = ClickToCallScript.Frames("s12_click_to_call.raw", originate, folder, ClickToCallScript.RepIs("1002"), legs[1]);
        int answer = talk.FindIndex(f => Encoding.UTF8.GetString(f) is var t
            && t.Contains("Event-Name: CHANNEL_ANSWER\n", StringComparison.Ordinal) && t.Contains($"Unique-ID: {legs[1]}\n", StringComparison.Ordinal)) + 1;
        await h.FreeSwitch.SendAsync([
            .. ClickToCallScript.Frames(s13, originate, folder, ClickToCallScript.StillRinging, legs[0]),
            .. talk[..answer],
            .. ClickToCallScript.Frames(s13, originate, folder, ClickToCallScript.LostTheRace, legs[0]),
            .. talk[answer..]]);
        SandboxFinishedCall call = await h.Portal.WaitForFinishAsync(registered.CallId, ServiceHarness.Patience);
        await h.SettledAsync();

        Assert.That(legs, Has.Count.EqualTo(2));
        Assert.That(answer, Is.GreaterThan(0));
        Assert.That(originate.Command, Does.Contain($"}}[origination_uuid={legs[0]}]user/1001,[origination_uuid={legs[1]}]user/1002 &bridge("));
        Assert.That(originate.Command, Does.Contain("bitrix_call_id=" + registered.CallId), "every leg carries the CALL_ID");
        Assert.That(call.StatusCode, Is.EqualTo("200"));
        Assert.That(call.Duration, Is.EqualTo(3));
        Assert.That(call.UserId, Is.EqualTo(3), "Boris (1002) answered");
        Assert.That(h.Portal.State.RequestCount("telephony.externalcall.register"), Is.EqualTo(1));
        Assert.That(h.Portal.State.RequestCount("telephony.externalcall.finish"), Is.EqualTo(1));
        Assert.That(h.Portal.State.LiveCalls, Is.Empty);
    }

    [Test]
    public async Task Without_a_configured_extension_the_clients_responsible_rep_is_rung()
    {
        await using ServiceHarness h = await ServiceHarness.StartAsync();

        await h.Portal.Events.StartCallbackAsync(new CallbackRequest("+79161234567"), h.EventsUrl);
        BgapiCommand originate = await h.FreeSwitch.NextBgapiAsync(ServiceHarness.Patience);
        await h.FreeSwitch.SendAsync([ClickToCallScript.BackgroundJob(originate.JobUuid, "-ERR NO_ANSWER")]);
        await h.Portal.WaitForAsync(s => s.FinishedCalls.Count == 1, ServiceHarness.Patience);
        SandboxFinishedCall call = h.Portal.State.FinishedCalls.Single();

        Assert.That(originate.Command, Does.Contain("}user/1002 &bridge("), "Ivan Petrov's contact is Boris's (1002)");
        Assert.That(call.Type, Is.EqualTo(4));
        Assert.That(call.UserId, Is.EqualTo(3));
        Assert.That(call.StatusCode, Is.EqualTo("480"));
        Assert.That(call.FailedReason, Does.StartWith("The rep did not pick up"));
    }
}
