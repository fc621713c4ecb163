using FsBitrix.Calls;
using FsBitrix.ClickToCall;
using FsBitrix.Sandbox.Events;
using FsBitrix.Sandbox.State;
using FsBitrix.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Click = FsBitrix.Sandbox.Events.ClickToCall;

namespace FsBitrix.Tests;

/// <summary>
/// The service stops after answering a click 200 and before the call is placed, or while its originate is under
/// way; started again on the same database, it places or finishes that click — exactly one finish either way.
/// </summary>
[CancelAfter(60_000)]
public class ClickToCallRestartTests
{
    private static readonly Click AnnaCallsIvan = new(2, "+79161234567");

    [Test]
    public async Task Accepted_not_placed_and_restarted_soon_is_placed_then()
    {
        await using ServiceHarness h = await ServiceHarness.StartAsync();
        SentEvent sent = await AcceptAndStopBeforePlacingAsync(h);

        await h.StartServiceAsync();
        BgapiCommand originate = await h.FreeSwitch.NextBgapiAsync(ServiceHarness.Patience);
        await h.FreeSwitch.SendAsync([ClickToCallScript.BackgroundJob(originate.JobUuid, "-ERR NO_ANSWER")]);
        SandboxFinishedCall call = await h.Portal.WaitForFinishAsync(sent.CallId!, ServiceHarness.Patience);
        await h.SettledAsync();

        Assert.That(originate.BitrixCallId, Is.EqualTo(sent.CallId));
        Assert.That(call.StatusCode, Is.EqualTo("480"));
        Assert.That(h.FreeSwitch.Bgapis, Has.Count.EqualTo(1));
        Assert.That(h.Portal.State.RequestCount("telephony.externalcall.finish"), Is.EqualTo(1));
    }

    [Test]
    public async Task Accepted_not_placed_is_placed_after_a_restart_only_once_freeswitch_has_let_the_service_in()
    {
        await using ServiceHarness h = await ServiceHarness.StartAsync();
        SentEvent sent = await AcceptAndStopBeforePlacingAsync(h);
        var login = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        h.FreeSwitch.HoldLogins = login;

        await h.StartServiceAsync(waitConnected: false);
        // Placed before the login, the originate would fail at once ("not connected") and the click be finished unplaced.
        Assert.ThrowsAsync<TimeoutException>(() => h.Portal.WaitForAsync(s => s.FinishedCalls.Count > 0, TimeSpan.FromSeconds(2)),
            "nothing is finished while FreeSWITCH has not let the service in");
        login.SetResult();
        BgapiCommand originate = await h.FreeSwitch.NextBgapiAsync(ServiceHarness.Patience);
        await h.FreeSwitch.SendAsync([ClickToCallScript.BackgroundJob(originate.JobUuid, "-ERR NO_ANSWER")]);
        SandboxFinishedCall call = await h.Portal.WaitForFinishAsync(sent.CallId!, ServiceHarness.Patience);

        Assert.That((originate.BitrixCallId, call.StatusCode), Is.EqualTo((sent.CallId, "480")));
    }

    [Test]
    public async Task Accepted_not_placed_and_restarted_late_is_finished_saying_so()
    {
        await using ServiceHarness h = await ServiceHarness.StartAsync();
        SentEvent sent = await AcceptAndStopBeforePlacingAsync(h);

        await h.StartServiceAsync(o => o.ClickToCall.PlaceAfterRestartWithin = TimeSpan.Zero);
        SandboxFinishedCall call = await h.Portal.WaitForFinishAsync(sent.CallId!, ServiceHarness.Patience);
        await h.SettledAsync();

        Assert.That(call.StatusCode, Is.EqualTo("503"));
        Assert.That(call.FailedReason, Does.StartWith("The service restarted before the call was placed"));
        Assert.That(call.UserId, Is.EqualTo(2));
        Assert.That(h.FreeSwitch.Bgapis, Is.Empty, "the rep is not rung long after the click");
        Assert.That(h.Portal.State.RequestCount("telephony.externalcall.finish"), Is.EqualTo(1));
    }

    [Test]
    public async Task Originating_when_stopped_with_no_leg_in_freeswitch_is_finished_once()
    {
        await using ServiceHarness h = await ServiceHarness.StartAsync();
        (SentEvent sent, _) = await StopWhileOriginatingAsync(h);

        await h.StartServiceAsync();
        SandboxFinishedCall call = await h.Portal.WaitForFinishAsync(sent.CallId!, ServiceHarness.Patience);
        await h.SettledAsync();

        Assert.That(call.StatusCode, Is.EqualTo("503"));
        Assert.That(call.FailedReason, Does.Contain("FreeSWITCH has no trace of it"));
        Assert.That(call.UserId, Is.EqualTo(2));
        Assert.That(h.FreeSwitch.Bgapis, Has.Count.EqualTo(1), "not placed a second time");
        Assert.That(h.Portal.State.RequestCount("telephony.externalcall.finish"), Is.EqualTo(1));
    }

    [Test]
    public async Task Originating_when_stopped_with_its_leg_up_is_finished_from_the_legs_events()
    {
        await using ServiceHarness h = await ServiceHarness.StartAsync();
        (SentEvent sent, BgapiCommand originate) = await StopWhileOriginatingAsync(h);
        h.FreeSwitch.LiveChannels[originate.OriginationUuid!] = true;

        await h.StartServiceAsync();
        CallTracker tracker = h.Service!.Services.GetRequiredService<CallTracker>();
        await h.WaitUntilAsync(() => Task.FromResult(tracker.ActiveCalls == 1));
        // Its creation happened while the service was down: only what follows is seen.
        await h.FreeSwitch.SendAsync(ClickToCallScript.Frames("s13_click_to_call_rep_no_answer.raw", originate, h.FreeSwitch.RecordingsFolder,
            body => body.StartsWith("Event-Name: CHANNEL_CREATE\n", StringComparison.Ordinal) ? null : body));
        SandboxFinishedCall call = await h.Portal.WaitForFinishAsync(sent.CallId!, ServiceHarness.Patience);
        await h.SettledAsync();

        Assert.That(call.StatusCode, Is.EqualTo("480"));
        Assert.That(call.FailedReason, Does.StartWith("The rep did not pick up"));
        Assert.That(call.UserId, Is.EqualTo(2));
        Assert.That(h.Portal.State.RequestCount("telephony.externalcall.finish"), Is.EqualTo(1));
    }

    /// <summary>The click is answered 200 and held before anything reaches FreeSWITCH; then the service stops.</summary>
    private static async Task<SentEvent> AcceptAndStopBeforePlacingAsync(ServiceHarness h)
    {
        var held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        h.Service!.Services.GetRequiredService<ClickToCallOriginator>().Placing = async (_, ct) =>
        {
            held.TrySetResult();
            await Task.Delay(Timeout.Infinite, ct);
        };

        SentEvent sent = await h.Portal.Events.StartClickToCallAsync(AnnaCallsIvan, h.EventsUrl);
        await held.Task.WaitAsync(ServiceHarness.Patience);
        await h.StopServiceAsync();
        Assert.That(sent.HandlerStatus, Is.EqualTo(200));
        return sent;
    }

    /// <summary>The originate reaches FreeSWITCH, which never answers it; then the service stops.</summary>
    private static async Task<(SentEvent, BgapiCommand)> StopWhileOriginatingAsync(ServiceHarness h)
    {
        h.FreeSwitch.HoldBgapis = true;
        SentEvent sent = await h.Portal.Events.StartClickToCallAsync(AnnaCallsIvan, h.EventsUrl);
        BgapiCommand originate = await h.FreeSwitch.NextBgapiAsync(ServiceHarness.Patience);
        await h.StopServiceAsync();
        h.FreeSwitch.HoldBgapis = false;
        Assert.That(h.Portal.State.RequestCount("telephony.externalcall.finish"), Is.Zero);
        return (sent, originate);
    }
}
