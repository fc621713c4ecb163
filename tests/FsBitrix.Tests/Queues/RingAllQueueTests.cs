using FsBitrix.Queues;
using FsBitrix.Sandbox.State;
using FsBitrix.Tests.Support;

namespace FsBitrix.Tests.Queues;

/// <summary>A ring-all queue driven over the socket app, end to end (s16: 1002 answers, 1001 loses the race).</summary>
[CancelAfter(60_000)]
public class RingAllQueueTests
{
    private static readonly TimeSpan Patience = ServiceHarness.Patience;

    [Test]
    public async Task A_ring_all_queue_call_rings_every_agent_in_one_bridge_and_costs_four_requests()
    {
        await using QueueHarness h = await QueueHarness.StartAsync(new QueueSettings { Agents = ["1001", "1002"], ResponsibleFirstSeconds = 0 });
        await using FakeSocketCall call = await h.CallAsync();
        var inbound = new Inbound("s16_socket_ring_all.raw", Legs.S16Customer, call.CallerUuid);
        await h.PlayAsync(inbound.Before(Legs.S16Agent1001));

        SocketCommand bridge = await call.NextBridgeAsync(Patience);
        Assert.That(bridge.Legs.Keys, Is.EquivalentTo(new[] { "1001", "1002" }));
        Assert.That(bridge.Argument, Does.Contain("leg_timeout=20"));
        Assert.That(bridge.Headers["event-lock"], Is.EqualTo("true"));
        Assert.That(call.Received.Where(c => c.IsExecute("set")).Select(c => c.Argument),
            Is.EqualTo(new[] { "hangup_after_bridge=true", "ringback=%(2000,4000,440,480)", "instant_ringback=true" }));

        inbound.Uuids[Legs.S16Agent1001] = bridge.Legs["1001"];
        inbound.Uuids[Legs.S16Agent1002] = bridge.Legs["1002"];
        await h.PlayAsync(inbound.From(Legs.S16Agent1001));
        // FreeSWITCH returns the answered bridge only once the call is over.
        await h.Portal.WaitForAsync(s => s.FinishedCalls.Count == 1, Patience);
        await call.EndBridgeAsync(bridge, answered: true);
        await call.HangUpAsync();
        await call.Exited.WaitAsync(Patience);

        SandboxFinishedCall finished = h.Portal.State.FinishedCalls.Single();
        Assert.That(finished.UserId, Is.EqualTo(3), "the user of 1002, who answered");
        Assert.That(finished.StatusCode, Is.EqualTo("200"));
        Assert.That(finished.Duration, Is.EqualTo(3));
        Assert.That(h.TelephonyRequests(), Is.EqualTo(new[]
        {
            "telephony.externalcall.register", "telephony.externalcall.show", "telephony.externalcall.hide", "telephony.externalcall.finish",
        }));
        Assert.That(call.Received.Where(c => c.IsExecute("bridge")), Has.Exactly(1).Items, "answered: no second ring");
        Assert.That(h.Board.Waiting, Is.Zero);
    }
}
