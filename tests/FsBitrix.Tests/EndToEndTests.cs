using FsBitrix.Sandbox.State;
using FsBitrix.Tests.Support;

namespace FsBitrix.Tests;

/// <summary>Real captures through the whole service to the sandbox portal: what Bitrix24 ends up with.</summary>
[CancelAfter(60_000)]
public class EndToEndTests
{
    [Test]
    public async Task An_answered_inbound_call_is_registered_shown_finished_and_recorded()
    {
        await using ServiceHarness h = await ServiceHarness.StartAsync();

        await h.PlayAsync("s1_inbound_answered.raw");
        await h.Portal.WaitForAsync(s => s.FinishedCalls.Count == 1 && s.FinishedCalls[0].Recording is not null, ServiceHarness.Patience);

        SandboxFinishedCall call = h.Portal.State.FinishedCalls.Single();
        Assert.That(call.Type, Is.EqualTo(2));
        Assert.That(call.PhoneNumber, Is.EqualTo("+79161234567"));
        Assert.That(call.UserId, Is.EqualTo(2), "the user mapped to 1001");
        Assert.That(call.StatusCode, Is.EqualTo("200"));
        Assert.That(call.Duration, Is.EqualTo(4));
        Assert.That(h.Portal.State.RequestCount("telephony.externalcall.register"), Is.EqualTo(1));
        Assert.That(h.Portal.State.RequestCount("telephony.externalcall.finish"), Is.EqualTo(1));
        Assert.That(h.Portal.State.LiveCalls, Is.Empty);
    }

    [Test]
    public async Task A_ring_all_call_costs_register_one_show_one_hide_and_finish()
    {
        await using ServiceHarness h = await ServiceHarness.StartAsync();

        // The phones ring for seconds before one answers, as they did when captured; replayed at once, the show and
        // the hide would be due together and leave as one batch.
        (List<byte[]> ringing, List<byte[]> answered) = Queues.Inbound.Split((await h.PrepareAsync("s2_ring_all.raw")).Frames, "CHANNEL_ANSWER");
        await h.FreeSwitch.SendAsync(ringing);
        await h.Portal.WaitForAsync(s => s.CardsByUser.Count == 2, ServiceHarness.Patience);
        await h.FreeSwitch.SendAsync(answered);
        await h.Portal.WaitForAsync(s => s.FinishedCalls.Count == 1 && s.FinishedCalls[0].Recording is not null, ServiceHarness.Patience);

        List<SandboxRequest> telephony = h.Portal.State.Requests
            .Where(r => r.Method.StartsWith("telephony.", StringComparison.OrdinalIgnoreCase)).ToList();
        Assert.That(telephony.Select(r => r.Method.ToLowerInvariant()), Is.EqualTo(new[]
        {
            "telephony.externalcall.register",
            "telephony.externalcall.show",
            "telephony.externalcall.hide",
            "telephony.externalcall.finish",
            "telephony.externalcall.attachrecord",
        }));
        Assert.That(telephony[1].Parameters, Does.Contain("2").And.Contain("3"), "both ringing agents in one show");
        Assert.That(h.Portal.State.FinishedCalls.Single().UserId, Is.EqualTo(3));
    }
}
