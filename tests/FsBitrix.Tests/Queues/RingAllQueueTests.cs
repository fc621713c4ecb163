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
    public async Task A_ring_all_queue_call_rings_every_agent_in_one_bridge_and_costs_three_requests()
    {
        await using QueueHarness h = await QueueHarness.StartAsync(new QueueSettings { Agents = ["1001", "1002"], ResponsibleFirstSeconds = 0 });
        await using FakeSocketCall call = await h.CallAsync();

        SocketCommand bridge = await RingAllAnsweredBy1002Async(h, call, 2);

        Assert.That(bridge.Argument, Does.Contain("leg_timeout=20"));
        Assert.That(bridge.Headers["event-lock"], Is.EqualTo("true"));
        Assert.That(call.Received.Where(c => c.IsExecute("set")).Select(c => c.Argument),
            Is.EqualTo(new[] { "hangup_after_bridge=true", "ringback=%(2000,4000,440,480)", "instant_ringback=true" }));
        Assert.That(h.Requests(), Is.EqualTo(new[] { "register", "show", "batch(hide+finish)" }), "no rep lookup: a plain register");
    }

    [TestCase(2)]
    [TestCase(5)]
    public async Task With_the_rep_first_turn_on_and_no_rep_a_ring_all_call_costs_three_requests_whatever_the_group_size(int agents)
    {
        string[] extensions = [.. Enumerable.Range(1, agents).Select(i => (1000 + i).ToString(System.Globalization.CultureInfo.InvariantCulture))];
        await using QueueHarness h = await QueueHarness.StartAsync(new QueueSettings { Agents = [.. extensions] });
        Assert.That(new QueueSettings().ResponsibleFirstSeconds, Is.GreaterThan(0), "the default looks for the rep");
        if (agents > 3)
        {
            // The seed's 1004 is a dismissed user, and nobody has 1005.
            await h.AddAgentAsync(6, "1004");
            await h.AddAgentAsync(7, "1005");
        }

        // The caller's number belongs to no CRM entity any more.
        h.Portal.State.AddCrmEntity(new SandboxCrmEntity("CONTACT", 797, "Ivan Petrov", ["+74990000000"], 3));
        await using FakeSocketCall call = await h.CallAsync();

        await RingAllAnsweredBy1002Async(h, call, agents);

        Assert.That(h.Requests(), Is.EqualTo(new[] { "batch(searchcrmentities+register)", "show", "batch(hide+finish)" }));
    }

    /// <summary>
    /// The s16 call with <paramref name="agents"/> phones (1003… play 1001's losing leg): every phone rings, the cards
    /// show, then 1002 answers, the others stop, and the caller hangs up after 3 s of talk.
    /// </summary>
    internal static async Task<SocketCommand> RingAllAnsweredBy1002Async(QueueHarness h, FakeSocketCall call, int agents)
    {
        var inbound = new Inbound("s16_socket_ring_all.raw", Legs.S16Customer, call.CallerUuid);
        await h.PlayAsync(inbound.Before(Legs.S16Agent1001));

        SocketCommand bridge = await call.NextBridgeAsync(Patience);
        Assert.That(bridge.Legs.Keys, Has.Exactly(agents).Items, "one bridge rings every phone at once");
        var othersRinging = new List<byte[]>();
        var othersStopped = new List<byte[]>();
        foreach (string extra in bridge.Legs.Keys.Where(e => e is not ("1001" or "1002")))
        {
            inbound.Uuids[Legs.S16Agent1001] = bridge.Legs[extra];
            (List<byte[]> ringing, List<byte[]> stopped) =
                Inbound.Split(inbound.Only([Legs.S16Agent1001], Inbound.Extension("1001", extra)), "CHANNEL_HANGUP");
            othersRinging.AddRange(ringing);
            othersStopped.AddRange(stopped);
        }

        inbound.Uuids[Legs.S16Agent1001] = bridge.Legs["1001"];
        inbound.Uuids[Legs.S16Agent1002] = bridge.Legs["1002"];
        (List<byte[]> ring, List<byte[]> rest) = Inbound.Split(inbound.From(Legs.S16Agent1001), "CHANNEL_ANSWER");
        (List<byte[]> answer, List<byte[]> end) = Inbound.Split(rest, "CHANNEL_HANGUP");
        await h.PlayAsync([.. ring, .. othersRinging]);
        await h.Portal.WaitForAsync(s => s.CardsByUser.Count(c => c.Value.Count == 1) == agents, Patience);

        await h.PlayAsync([.. answer, .. othersStopped, .. end]);
        // FreeSWITCH returns the answered bridge only once the call is over.
        await h.Portal.WaitForAsync(s => s.FinishedCalls.Count == 1, Patience);
        await call.EndBridgeAsync(bridge, answered: true);
        await call.HangUpAsync();
        await call.Exited.WaitAsync(Patience);

        SandboxFinishedCall finished = h.Portal.State.FinishedCalls.Single();
        Assert.That((finished.UserId, finished.StatusCode, finished.Duration), Is.EqualTo((3, "200", 3)), "the user of 1002, who answered");
        Assert.That(h.Portal.State.CardsByUser, Is.Empty, "every card closed");
        Assert.That(call.Received.Where(c => c.IsExecute("bridge")), Has.Exactly(1).Items, "answered: no second ring");
        Assert.That(h.Board.Waiting, Is.Zero);
        return bridge;
    }
}
