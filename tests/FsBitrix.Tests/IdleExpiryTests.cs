using FsBitrix.Calls;
using FsBitrix.Sandbox.State;
using FsBitrix.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace FsBitrix.Tests;

/// <summary>
/// Calls silent for the idle timeout are ended from what is known, judged on FreeSWITCH's clock (the one that stamps
/// the events), not on the service's.
/// </summary>
[CancelAfter(60_000)]
public class IdleExpiryTests
{
    [Test]
    public async Task A_live_call_is_not_expired_when_FreeSWITCH_s_clock_is_days_behind_the_service_s()
    {
        await using ServiceHarness h = await ServiceHarness.StartAsync();
        CallTracker tracker = h.Service!.Services.GetRequiredService<CallTracker>();
        Replay s1 = await h.PrepareAsync("s1_inbound_answered.raw");
        int talking = s1.IndexOf("CHANNEL_BRIDGE") + 1;
        await h.RingThenTalkAsync(s1);

        // The replayed events carry the capture's own times (2026-11-24), days behind this clock: a FreeSWITCH whose
        // clock is off by days. The call talks on; its last event came a moment ago.
        tracker.ExpireIdle(DateTimeOffset.UtcNow);
        await tracker.FlushAsync();
        Assert.That(tracker.ActiveCalls, Is.EqualTo(1), "a call that had an event a moment ago is not idle");

        tracker.ExpireIdle(DateTimeOffset.UtcNow + TimeSpan.FromHours(4) + TimeSpan.FromMinutes(1));
        await h.Portal.WaitForAsync(s => s.FinishedCalls.Count == 1, ServiceHarness.Patience);
        SandboxFinishedCall call = h.Portal.State.FinishedCalls.Single();
        Assert.That(call.StatusCode, Is.EqualTo("200"), "the call was answered before it went silent");
        Assert.That(tracker.ActiveCalls, Is.Zero, "silent for longer than the idle timeout on FreeSWITCH's clock too");
    }
}
