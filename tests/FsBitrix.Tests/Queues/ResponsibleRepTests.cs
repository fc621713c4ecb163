using FsBitrix.Queues;
using FsBitrix.Sandbox.State;
using FsBitrix.Tests.Support;

namespace FsBitrix.Tests.Queues;

/// <summary>The client's responsible rep (searchCrmEntities → ASSIGNED_BY_ID → extension) rings alone first.</summary>
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

        SocketCommand bridge = await call.NextBridgeAsync(Patience);
        Assert.That(bridge.Legs.Keys, Is.EqualTo(new[] { "1001" }), "the rep of contact 797 is user 2, extension 1001");
        Assert.That(bridge.Argument, Does.Contain("leg_timeout=15"), "ResponsibleFirstSeconds");

        inbound.Uuids[Legs.S9Agent1001] = bridge.Legs["1001"];
        await h.PlayAsync(inbound.From(Legs.S9Agent1001));
        // FreeSWITCH returns the answered bridge only once the call is over.
        await h.Portal.WaitForAsync(s => s.FinishedCalls.Count == 1, Patience);
        await call.EndBridgeAsync(bridge, answered: true);
        await call.HangUpAsync();
        await call.Exited.WaitAsync(Patience);

        SandboxFinishedCall finished = h.Portal.State.FinishedCalls.Single();
        Assert.That((finished.UserId, finished.StatusCode, finished.Duration), Is.EqualTo((2, "200", 3)));
        Assert.That(h.TelephonyRequests(), Is.EquivalentTo(new[]
        {
            "telephony.externalcall.searchcrmentities", "telephony.externalcall.register", "telephony.externalcall.show",
            "telephony.externalcall.finish",
        }));
    }

    [Test]
    public async Task When_the_rep_does_not_answer_the_queue_rings_everybody_and_the_second_agent_answers()
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

        h.Clock.Advance(TimeSpan.FromSeconds(15));
        await call.NextAsync(c => c.Line == "api uuid_kill " + repRing.Legs["1002"], Patience);
        SocketCommand ringAll = await call.NextBridgeAsync(Patience);
        Assert.That(ringAll.Legs.Keys, Is.EquivalentTo(new[] { "1001", "1002" }));
        Assert.That(ringAll.Argument, Does.Contain("leg_timeout=20"));
        await h.PlayAsync(stopped);
        await call.EndBridgeAsync(repRing, answered: false);

        inbound.Uuids[Legs.S16Agent1001] = ringAll.Legs["1001"];
        inbound.Uuids[Legs.S16Agent1002] = ringAll.Legs["1002"];
        await h.PlayAsync(inbound.From(Legs.S16Agent1001));
        // FreeSWITCH returns the answered bridge only once the call is over.
        await h.Portal.WaitForAsync(s => s.FinishedCalls.Count == 1, Patience);
        await call.EndBridgeAsync(ringAll, answered: true);
        await call.HangUpAsync();
        await call.Exited.WaitAsync(Patience);

        SandboxFinishedCall finished = h.Portal.State.FinishedCalls.Single();
        Assert.That((finished.UserId, finished.StatusCode, finished.Duration), Is.EqualTo((3, "200", 3)));
        List<string> requests = h.TelephonyRequests();
        Assert.That(requests.Count(r => r == "telephony.externalcall.searchcrmentities"), Is.EqualTo(1));

        // The rep's own turn costs one show/hide; the ring-all round after it one show (both phones) and one hide.
        Assert.That(requests.Where(r => r != "telephony.externalcall.searchcrmentities"), Is.EqualTo(new[]
        {
            "telephony.externalcall.register",
            "telephony.externalcall.show", "telephony.externalcall.hide",
            "telephony.externalcall.show", "telephony.externalcall.hide",
            "telephony.externalcall.finish",
        }));
        Assert.That(call.Received.Where(c => c.IsExecute("bridge")), Has.Exactly(2).Items);
    }
}
