using FsBitrix.Queues;
using FsBitrix.Sandbox.State;
using FsBitrix.Tests.Support;

namespace FsBitrix.Tests.Queues;

/// <summary>Timeouts, an abandoned caller, busy agents and two callers at once, end to end.</summary>
[CancelAfter(60_000)]
public class QueueFlowTests
{
    private static readonly TimeSpan Patience = ServiceHarness.Patience;

    [Test]
    public async Task A_sequential_queue_moves_on_after_its_timer_and_after_a_returned_bridge_then_the_third_agent_answers()
    {
        await using QueueHarness h = await QueueHarness.StartAsync(new QueueSettings
        {
            Agents = ["1001", "1002", "1003"], Strategy = "sequential", ResponsibleFirstSeconds = 0,
        });
        await using FakeSocketCall call = await h.CallAsync();
        var inbound = new Inbound("s9_queue_socket.raw", Legs.S9Customer, call.CallerUuid);
        await h.PlayAsync(inbound.Before(Legs.S9Agent1001));

        SocketCommand first = await call.NextBridgeAsync(Patience);
        Assert.That(first.Legs.Keys, Is.EqualTo(new[] { "1001" }));
        h.Clock.Advance(TimeSpan.FromSeconds(20) + QueueCallDriver.LegTimeoutGrace);
        await call.NextAsync(c => c.Line == "api uuid_kill " + first.Legs["1001"], Patience);
        SocketCommand second = await call.NextBridgeAsync(Patience);
        Assert.That(second.Legs.Keys, Is.EqualTo(new[] { "1002" }));
        await call.EndBridgeAsync(first, answered: false);

        // FreeSWITCH's own leg_timeout ends the second ring before the service's timer does.
        await call.EndBridgeAsync(second, answered: false);
        SocketCommand third = await call.NextBridgeAsync(Patience);
        Assert.That(third.Legs.Keys, Is.EqualTo(new[] { "1003" }));

        inbound.Uuids[Legs.S9Agent1001] = third.Legs["1003"];
        await h.PlayAsync(inbound.From(Legs.S9Agent1001, Inbound.Extension("1001", "1003")));
        // FreeSWITCH returns the answered bridge only once the call is over.
        await h.Portal.WaitForAsync(s => s.FinishedCalls.Count == 1, Patience);
        await call.EndBridgeAsync(third, answered: true);
        await call.HangUpAsync();
        await call.Exited.WaitAsync(Patience);

        SandboxFinishedCall finished = h.Portal.State.FinishedCalls.Single();
        Assert.That((finished.UserId, finished.StatusCode), Is.EqualTo((4, "200")), "the user of 1003");
        Assert.That(call.Received.Where(c => c.IsExecute("bridge")), Has.Exactly(3).Items);
    }

    [Test]
    public async Task An_agent_who_answers_as_the_ring_timeout_runs_out_is_not_killed_by_the_service_s_timer()
    {
        await using QueueHarness h = await QueueHarness.StartAsync(new QueueSettings
        {
            Agents = ["1001", "1002"], Strategy = "sequential", ResponsibleFirstSeconds = 0,
        });
        await using FakeSocketCall call = await h.CallAsync();
        var inbound = new Inbound("s9_queue_socket.raw", Legs.S9Customer, call.CallerUuid);
        await h.PlayAsync(inbound.Before(Legs.S9Agent1001));
        SocketCommand first = await call.NextBridgeAsync(Patience);

        // The ring timeout is up on our clock just as the phone is picked up: FreeSWITCH's leg_timeout decides.
        h.Clock.Advance(TimeSpan.FromSeconds(20));
        inbound.Uuids[Legs.S9Agent1001] = first.Legs["1001"];
        await h.PlayAsync(inbound.From(Legs.S9Agent1001));
        await h.Portal.WaitForAsync(s => s.FinishedCalls.Count == 1, Patience);
        await call.EndBridgeAsync(first, answered: true);
        await call.HangUpAsync();
        await call.Exited.WaitAsync(Patience);

        Assert.That(call.Received.Select(c => c.Line), Has.None.StartsWith("api uuid_kill"));
        Assert.That(call.Received.Where(c => c.IsExecute("bridge")), Has.Exactly(1).Items);
        Assert.That(h.Portal.State.FinishedCalls.Single().StatusCode, Is.EqualTo("200"));
    }

    [Test]
    public async Task A_caller_who_hangs_up_while_the_agent_rings_is_a_missed_call_with_the_card_hidden()
    {
        await using QueueHarness h = await QueueHarness.StartAsync(new QueueSettings { Agents = ["1001"], ResponsibleFirstSeconds = 0 });
        await using FakeSocketCall call = await h.CallAsync();
        var inbound = new Inbound("s17_socket_abandon.raw", Legs.S17Customer, call.CallerUuid);
        await h.PlayAsync(inbound.Before(Legs.S17Agent1001));

        SocketCommand bridge = await call.NextBridgeAsync(Patience);
        inbound.Uuids[Legs.S17Agent1001] = bridge.Legs["1001"];
        await h.PlayAsync(inbound.From(Legs.S17Agent1001));
        await call.EndBridgeAsync(bridge, answered: false);
        await call.HangUpAsync();
        await call.Exited.WaitAsync(Patience);
        await h.Portal.WaitForAsync(s => s.FinishedCalls.Count == 1, Patience);

        SandboxFinishedCall finished = h.Portal.State.FinishedCalls.Single();
        Assert.That((finished.UserId, finished.StatusCode, finished.Duration), Is.EqualTo((2, "304", 0)));
        Assert.That(h.Portal.State.CardsByUser, Is.Empty, "the card of 1001 was hidden");
        Assert.That(call.Received.Where(c => c.IsExecute("bridge")), Has.Exactly(1).Items, "no ring after the caller left");
        Assert.That(h.Board.Presence.Offers, Is.Empty);
    }

    [Test]
    public async Task When_every_agent_is_on_the_phone_the_caller_goes_straight_to_the_fallback()
    {
        await using QueueHarness h = await QueueHarness.StartAsync(new QueueSettings
        {
            Agents = ["1001", "1002"], ResponsibleFirstSeconds = 0, Fallback = "extension:1099",
        });

        // A direct ring-all call (s2, not a queue's) rings both phones: the presence sees it on the inbound socket.
        var direct = new Inbound("s2_ring_all.raw", Legs.S2Customer, Guid.NewGuid().ToString());
        await h.PlayAsync(direct.Before(Legs.S2Agent1001));
        await h.PlayAsync(Inbound.Split(direct.Only([Legs.S2Agent1001, Legs.S2Agent1002]), "CHANNEL_PROGRESS").Before);
        await h.PresenceAsync(p => p.IsBusy("1001") && p.IsBusy("1002"), "both phones ringing");

        await using FakeSocketCall call = await h.CallAsync();
        SocketCommand transfer = await call.NextAsync(c => c.IsExecute("transfer"), Patience);
        Assert.That(transfer.Argument, Is.EqualTo("1099 XML default"));
        await call.HangUpAsync();
        await call.Exited.WaitAsync(Patience);
        Assert.That(call.Received.Where(c => c.IsExecute("bridge")), Is.Empty);
    }

    [Test]
    public async Task A_second_caller_while_the_first_rings_gets_the_next_free_agent()
    {
        await using QueueHarness h = await QueueHarness.StartAsync(new QueueSettings
        {
            Agents = ["1001", "1002"], Strategy = "sequential", ResponsibleFirstSeconds = 0,
        });
        await using FakeSocketCall first = await h.CallAsync();
        Assert.That((await first.NextBridgeAsync(Patience)).Legs.Keys, Is.EqualTo(new[] { "1001" }));

        await using FakeSocketCall second = await h.CallAsync();
        Assert.That((await second.NextBridgeAsync(Patience)).Legs.Keys, Is.EqualTo(new[] { "1002" }));

        await first.HangUpAsync();
        await second.HangUpAsync();
        await Task.WhenAll(first.Exited, second.Exited).WaitAsync(Patience);
        Assert.That(h.Board.Waiting, Is.Zero);
    }

    [Test]
    public async Task A_second_caller_while_a_ring_all_queue_rings_everybody_rings_nobody_and_falls_back()
    {
        await using QueueHarness h = await QueueHarness.StartAsync(new QueueSettings { Agents = ["1001", "1002"], ResponsibleFirstSeconds = 0 });
        await using FakeSocketCall first = await h.CallAsync();
        Assert.That((await first.NextBridgeAsync(Patience)).Legs.Keys, Is.EquivalentTo(new[] { "1001", "1002" }));

        await using FakeSocketCall second = await h.CallAsync();
        SocketCommand hangup = await second.NextAsync(c => c.Headers.GetValueOrDefault("call-command") == "hangup", Patience);
        Assert.That(hangup.Headers["hangup-cause"], Is.EqualTo("NO_ANSWER"));
        await second.Exited.WaitAsync(Patience);
        Assert.That(second.Received.Where(c => c.IsExecute("bridge")), Is.Empty);

        await first.HangUpAsync();
        await first.Exited.WaitAsync(Patience);
    }
}
