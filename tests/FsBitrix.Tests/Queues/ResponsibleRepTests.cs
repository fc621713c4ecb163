using FsBitrix.Queues;
using FsBitrix.Sandbox.Faults;
using FsBitrix.Sandbox.State;
using FsBitrix.Tests.Support;

namespace FsBitrix.Tests.Queues;

/// <summary>
/// The client's responsible rep (searchCrmEntities → ASSIGNED_BY_ID → extension) rings alone first; the search
/// travels with the call's register in one batch request.
/// </summary>
[CancelAfter(60_000)]
public class ResponsibleRepTests
{
    private static readonly TimeSpan Patience = ServiceHarness.Patience;

    [Test]
    public async Task The_responsible_rep_rings_alone_first_and_answers()
    {
        await using QueueHarness h = await QueueHarness.StartAsync(new QueueSettings { Agents = ["1001", "1002"] });
        h.Portal.State.AddCrmEntity(new SandboxCrmEntity("CONTACT", 797, "Ivan Petrov", ["+79161234567"], 2));
        await using FakeSocketCall call = await h.CallAsync();
        var inbound = new Inbound("s9_queue_socket.raw", Legs.S9Customer, call.CallerUuid);
        await h.PlayAsync(inbound.Before(Legs.S9Agent1001));

        await RepAnswersAsync(h, call, inbound);

        Assert.That(h.Requests(), Is.EqualTo(new[] { "batch(searchcrmentities+register)", "show", "finish" }), "no request of its own for the search");
    }

    [Test]
    public async Task The_rep_is_found_when_the_register_went_before_the_dialplan_handed_the_call_to_the_queue()
    {
        await using QueueHarness h = await QueueHarness.StartAsync(new QueueSettings { Agents = ["1001", "1002"] });
        h.Portal.State.AddCrmEntity(new SandboxCrmEntity("CONTACT", 797, "Ivan Petrov", ["+79161234567"], 2));
        string caller = Guid.NewGuid().ToString();
        var inbound = new Inbound("s9_queue_socket.raw", Legs.S9Customer, caller);
        await h.PlayAsync(inbound.Before(Legs.S9Agent1001));
        await h.Portal.WaitForAsync(s => s.LiveCalls.Count == 1, Patience);

        // As on a real FreeSWITCH: CHANNEL_CREATE reaches the inbound socket before the socket app connects.
        await using FakeSocketCall call = await h.CallAsync(caller);
        await RepAnswersAsync(h, call, inbound);

        Assert.That(h.Requests(), Is.EqualTo(new[] { "batch(searchcrmentities+register)", "show", "finish" }));
    }

    [Test]
    public async Task When_the_rep_does_not_answer_the_queue_rings_everybody_and_the_reps_hide_and_their_show_go_together()
    {
        // The seed's +79161234567 belongs to user 3, extension 1002.
        await using QueueHarness h = await QueueHarness.StartAsync(new QueueSettings { Agents = ["1001", "1002"] });
        await using FakeSocketCall call = await h.CallAsync();
        var inbound = new Inbound("s16_socket_ring_all.raw", Legs.S16Customer, call.CallerUuid);
        await h.PlayAsync(inbound.Before(Legs.S16Agent1001));

        SocketCommand repRing = await call.NextBridgeAsync(Patience);
        Assert.That(repRing.Legs.Keys, Is.EqualTo(new[] { "1002" }));
        inbound.Uuids[Legs.S16Agent1001] = repRing.Legs["1002"];
        (List<byte[]> ringing, List<byte[]> stopped) =
            Inbound.Split(inbound.Only([Legs.S16Agent1001], Inbound.Extension("1001", "1002")), "CHANNEL_HANGUP");
        await h.PlayAsync(ringing);
        await h.Portal.WaitForAsync(s => s.CardsByUser.GetValueOrDefault(3)?.Count == 1, Patience);

        h.Clock.Advance(TimeSpan.FromSeconds(15) + QueueCallDriver.LegTimeoutGrace);
        await call.NextAsync(c => c.Line == "api uuid_kill " + repRing.Legs["1002"], Patience);
        SocketCommand ringAll = await call.NextBridgeAsync(Patience);
        Assert.That(ringAll.Legs.Keys, Is.EquivalentTo(new[] { "1001", "1002" }));
        Assert.That(ringAll.Argument, Does.Contain("leg_timeout=20"));

        // The killed leg ends as the group's phones start ringing: FreeSWITCH reports both within milliseconds.
        inbound.Uuids[Legs.S16Agent1001] = ringAll.Legs["1001"];
        inbound.Uuids[Legs.S16Agent1002] = ringAll.Legs["1002"];
        (List<byte[]> groupRinging, List<byte[]> rest) = Inbound.Split(inbound.From(Legs.S16Agent1001), "CHANNEL_ANSWER");
        await h.PlayAsync([.. stopped, .. groupRinging]);
        await h.Portal.WaitForAsync(s => s.CardsByUser.Count(c => c.Value.Count == 1) == 2 && s.Requests.Count(r => r.Method == "batch") == 2, Patience);
        await call.EndBridgeAsync(repRing, answered: false);

        await h.PlayAsync(rest);
        // FreeSWITCH returns the answered bridge only once the call is over.
        await h.Portal.WaitForAsync(s => s.FinishedCalls.Count == 1, Patience);
        await call.EndBridgeAsync(ringAll, answered: true);
        await call.HangUpAsync();
        await call.Exited.WaitAsync(Patience);

        SandboxFinishedCall finished = h.Portal.State.FinishedCalls.Single();
        Assert.That((finished.UserId, finished.StatusCode, finished.Duration), Is.EqualTo((3, "200", 3)));
        Assert.That(h.Portal.State.CardsByUser, Is.Empty);

        // The rep's own turn costs one show; the hide of it and the show of the group one batch; then the last hide
        // and the finish one more.
        Assert.That(h.Requests(), Is.EqualTo(new[]
        {
            "batch(searchcrmentities+register)", "show", "batch(hide+show)", "batch(hide+finish)",
        }));
        Assert.That(call.Received.Where(c => c.IsExecute("bridge")), Has.Exactly(2).Items);
    }

    [Test]
    public async Task A_failed_register_batch_lets_the_queue_ring_at_once_and_is_retried()
    {
        // The seed's +79161234567 belongs to user 3, extension 1002, who would ring alone first.
        await using QueueHarness h = await QueueHarness.StartAsync(new QueueSettings { Agents = ["1001", "1002"] });
        h.Portal.Faults.Add(new SandboxFault(SandboxFaultKind.InternalServerError) { Count = 1, Methods = ["telephony.externalcall.register"] });
        await using FakeSocketCall call = await h.CallAsync();

        // Plays the call through; its first bridge must ring both phones: the queue did not wait for the retry.
        await RingAllQueueTests.RingAllAnsweredBy1002Async(h, call, 2);

        Assert.That(h.Requests(), Is.EqualTo(new[]
        {
            // The retried register goes alone (a command that failed before is not joined by the ones behind it until
            // it is through); then the card; the hide and the finish together.
            "batch(searchcrmentities+register)", "batch(searchcrmentities+register)", "show", "batch(hide+finish)",
        }));
        Assert.That(h.Portal.State.FinishedCalls.Single().StatusCode, Is.EqualTo("200"), "the retried register's CALL_ID was finished");
    }

    /// <summary>The s9 call: its rep (1001) rings alone for ResponsibleFirstSeconds and answers.</summary>
    private static async Task RepAnswersAsync(QueueHarness h, FakeSocketCall call, Inbound inbound)
    {
        SocketCommand bridge = await call.NextBridgeAsync(Patience);
        Assert.That(bridge.Legs.Keys, Is.EqualTo(new[] { "1001" }), "the rep of contact 797 is user 2, extension 1001");
        Assert.That(bridge.Argument, Does.Contain("leg_timeout=15"), "ResponsibleFirstSeconds");

        inbound.Uuids[Legs.S9Agent1001] = bridge.Legs["1001"];
        // The rep's phone rings long enough for the card (a call over before its card could go would not show it).
        (List<byte[]> ringing, List<byte[]> answered) = Inbound.Split(inbound.From(Legs.S9Agent1001), "CHANNEL_ANSWER");
        await h.PlayAsync(ringing);
        await h.Portal.WaitForAsync(s => s.CardsByUser.ContainsKey(2), Patience);
        await h.PlayAsync(answered);
        // FreeSWITCH returns the answered bridge only once the call is over.
        await h.Portal.WaitForAsync(s => s.FinishedCalls.Count == 1, Patience);
        await call.EndBridgeAsync(bridge, answered: true);
        await call.HangUpAsync();
        await call.Exited.WaitAsync(Patience);

        SandboxFinishedCall finished = h.Portal.State.FinishedCalls.Single();
        Assert.That((finished.UserId, finished.StatusCode, finished.Duration), Is.EqualTo((2, "200", 3)));
    }
}
