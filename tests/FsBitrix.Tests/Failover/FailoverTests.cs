using System.Diagnostics;
using System.Text;
using FsBitrix.Sandbox.Events;
using FsBitrix.Sandbox.State;
using FsBitrix.Tests.Support;
using Click = FsBitrix.Sandbox.Events.ClickToCall;

namespace FsBitrix.Tests.Failover;

/// <summary>
/// #20: two FsBitrix instances on one PostgreSQL following two FreeSWITCH nodes, each instance a process of its own.
/// The leader is killed as <c>kill -9</c> kills (mid-call, and at random moments in rounds), the database drops every
/// connection as a restart does, a click is posted to the standby: every call is registered and finished exactly once,
/// right, and the standby leads within 10 s.
/// </summary>
[TestFixture]
[CancelAfter(300_000)]
[NonParallelizable]
public class FailoverTests
{
    private const string S1Customer = "86e6b4a4-da8c-496f-8001-d64d3843a17b";
    private const string S1Rep = "9f3b587a-8612-4833-af43-6c594165361d";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan TakeoverBar = TimeSpan.FromSeconds(10);
    private Cluster? _cluster;

    [SetUp]
    public async Task StartCluster() => _cluster = await Cluster.StartAsync();

    [TearDown]
    public async Task StopCluster()
    {
        if (_cluster is null)
        {
            return;
        }

        if (TestContext.CurrentContext.Result.Outcome.Status == NUnit.Framework.Interfaces.TestStatus.Failed)
        {
            // What the instances said, for the failure's reader (no secrets: a test portal's token on loopback).
            TestContext.Out.WriteLine(_cluster.Logs());
        }

        await _cluster.DisposeAsync();
    }

    [Test]
    public async Task Killing_the_leader_mid_call_hands_both_nodes_calls_to_the_standby_and_each_is_finished_once_and_right()
    {
        Cluster c = _cluster!;
        (ServiceProcess a, ServiceProcess b) = await LeaderAndStandbyAsync();

        // fs1's call is talking, fs2's still ringing when the leader dies.
        (Replay one, Replay two) = await RingingOnBothNodesAsync();
        int answered = one.IndexOf("CHANNEL_ANSWER"), talking = one.IndexOf("CHANNEL_BRIDGE") + 1;
        await c.Fs1.SendAsync(one.Frames.Skip(answered).Take(talking - answered));
        await WaitStoredAsync(one.Uuids[S1Customer], talkingToo: true);

        c.Fs1.LiveChannels[one.Uuids[S1Customer]] = true;
        c.Fs1.LiveChannels[one.Uuids[S1Rep]] = true;
        c.Fs2.LiveChannels[two.Uuids[S1Customer]] = true;
        c.Fs2.LiveChannels[two.Uuids[S1Rep]] = true;
        c.Fs1.ExpectSubscription();
        c.Fs2.ExpectSubscription();
        string standbyMetrics = await b.MetricsAsync();
        var takeover = Stopwatch.StartNew();
        a.Kill();
        await b.WaitForRoleAsync("leader", Patience);
        TimeSpan leading = takeover.Elapsed;
        await Task.WhenAll(c.Fs1.Subscribed, c.Fs2.Subscribed).WaitAsync(Patience);
        TestContext.Out.WriteLine($"takeover: {leading.TotalMilliseconds:F0} ms to lead, {takeover.Elapsed.TotalMilliseconds:F0} ms to follow both nodes");

        await c.Fs1.SendAsync(one.From(talking));
        await c.Fs2.SendAsync(two.From(answered));
        await c.Portal.WaitForAsync(s => s.FinishedCalls.Count == 2 && s.FinishedCalls.All(f => f.Recording is not null), Patience);
        await c.DeliveredAsync(Patience);

        Assert.Multiple(() =>
        {
            Assert.That(leading, Is.LessThan(TakeoverBar), "the standby leads within 10 s");
            Assert.That(PrometheusText.Parse(standbyMetrics).Value("fsbitrix_leader"), Is.Zero, "a standby says so to Prometheus");
            Assert.That(c.Portal.State.FinishedCalls.Select(f => f.ExternalCallId),
                Is.EquivalentTo(new[] { one.Uuids[S1Customer], two.Uuids[S1Customer] }), "each call finished once");
            Assert.That(c.Portal.State.FinishedCalls.Select(f => (f.UserId, f.StatusCode, f.Duration)), Is.All.EqualTo((2, "200", 4)),
                "as the undisturbed call: 1001 talked 4 s");
            Assert.That(SucceededFinishes(c), Is.EqualTo(2));
            Assert.That(c.Portal.State.LiveCalls, Is.Empty);
        });
    }

    [Test]
    public async Task Killed_at_random_moments_in_rounds_whoever_leads_every_call_on_both_nodes_is_registered_and_finished_once()
    {
        const int rounds = 6;
        Cluster c = _cluster!;
        ServiceProcess leader = await LeaderAsync("a0");
        ServiceProcess standby = c.Start("b0");
        await standby.WaitForRoleAsync("standby", Patience);
        var random = new Random(20);
        var takeovers = new List<TimeSpan>();
        var calls = new List<string>();

        for (int round = 0; round < rounds; round++)
        {
            Replay one = await c.PrepareAsync("s1_inbound_answered.raw");
            Replay two = await c.PrepareAsync("s1_inbound_answered.raw");
            calls.Add(one.Uuids[S1Customer]);
            calls.Add(two.Uuids[S1Customer]);
            int killed = random.Next(1, one.Frames.Count);
            int killedTwo = random.Next(1, two.Frames.Count);
            await c.Fs1.SendAsync(one.Before(killed));
            await c.Fs2.SendAsync(two.Before(killedTwo));
            await WaitTakenInAsync(one, killed);
            await WaitTakenInAsync(two, killedTwo);

            // What `show channels` lists once the next leader asks: the legs up at the kill (nothing is lost meanwhile).
            MarkLive(c.Fs1, one, killed);
            MarkLive(c.Fs2, two, killedTwo);
            c.Fs1.ExpectSubscription();
            c.Fs2.ExpectSubscription();
            var takeover = Stopwatch.StartNew();
            leader.Kill();
            await standby.WaitForRoleAsync("leader", Patience);
            takeovers.Add(takeover.Elapsed);
            await Task.WhenAll(c.Fs1.Subscribed, c.Fs2.Subscribed).WaitAsync(Patience);

            // systemd starts the killed one again: the next standby.
            (leader, standby) = (standby, c.Start($"{(round % 2 == 0 ? "a" : "b")}{round + 1}"));
            await c.Fs1.SendAsync(one.From(killed));
            await c.Fs2.SendAsync(two.From(killedTwo));
            await c.Portal.WaitForAsync(s => calls.All(k => s.FinishedCalls.Any(f => f.ExternalCallId == k)), Patience);
            await standby.WaitForRoleAsync("standby", Patience);
            TestContext.Out.WriteLine($"round {round}: fs1 killed after event {killed}, fs2 after {killedTwo}; led again in {takeovers[^1].TotalMilliseconds:F0} ms");
        }

        await c.DeliveredAsync(Patience);
        Assert.Multiple(() =>
        {
            Assert.That(c.Portal.State.FinishedCalls.Select(f => f.ExternalCallId), Is.EquivalentTo(calls), "none lost, none twice");
            Assert.That(SucceededFinishes(c), Is.EqualTo(calls.Count), "one finish per call took effect");
            Assert.That(c.Portal.State.LiveCalls, Is.Empty, "no call left open in the CRM");
            Assert.That(takeovers.Max(), Is.LessThan(TakeoverBar));
        });
    }

    [Test]
    public Task When_the_database_drops_every_connection_the_calls_carry_on_and_each_is_finished_once() =>
        CallsCarryOnThroughAsync(() => _cluster!.DropDatabaseConnectionsAsync());

    [Test]
    public Task When_postgresql_restarts_the_calls_carry_on_and_each_is_finished_once() =>
        CallsCarryOnThroughAsync(() => _cluster!.RestartDatabaseAsync());

    // Two calls ringing, one on each node, when the database goes away under both instances.
    private async Task CallsCarryOnThroughAsync(Func<Task> fault)
    {
        Cluster c = _cluster!;
        (ServiceProcess a, ServiceProcess b) = await LeaderAndStandbyAsync();
        (Replay one, Replay two) = await RingingOnBothNodesAsync();
        int answered = one.IndexOf("CHANNEL_ANSWER");
        await WaitStoredAsync(one.Uuids[S1Customer], talkingToo: false);
        await WaitStoredAsync(two.Uuids[S1Customer], talkingToo: false);

        MarkLive(c.Fs1, one, answered);
        MarkLive(c.Fs2, two, answered);
        c.Fs1.ExpectSubscription();
        c.Fs2.ExpectSubscription();
        await fault();

        // The leader lost its lock with its connection: it stopped leading at once; whoever reconnects first leads.
        await WaitAsync(async () => await a.RoleAsync() == "leader" ^ await b.RoleAsync() == "leader");
        await Task.WhenAll(c.Fs1.Subscribed, c.Fs2.Subscribed).WaitAsync(Patience);
        await c.Fs1.SendAsync(one.From(answered));
        await c.Fs2.SendAsync(two.From(answered));
        await c.Portal.WaitForAsync(s => s.FinishedCalls.Count == 2, Patience);
        await c.DeliveredAsync(Patience);

        Assert.Multiple(async () =>
        {
            Assert.That(c.Portal.State.FinishedCalls.Select(f => f.ExternalCallId), Is.EquivalentTo(new[] { one.Uuids[S1Customer], two.Uuids[S1Customer] }));
            Assert.That(c.Portal.State.FinishedCalls.Select(f => (f.UserId, f.StatusCode, f.Duration)), Is.All.EqualTo((2, "200", 4)));
            Assert.That(SucceededFinishes(c), Is.EqualTo(2));
            Assert.That(new[] { await a.RoleAsync(), await b.RoleAsync() }, Is.EquivalentTo(new[] { "leader", "standby" }),
                "both serve again: the one that lost the lock started again as a standby");
        });
    }

    [Test]
    public async Task A_nodes_cut_resyncs_that_nodes_calls_only_and_nobody_takes_over()
    {
        Cluster c = _cluster!;
        (ServiceProcess a, ServiceProcess b) = await LeaderAndStandbyAsync();
        (Replay one, Replay two) = await RingingOnBothNodesAsync();
        int answered = one.IndexOf("CHANNEL_ANSWER"), talking = one.IndexOf("CHANNEL_BRIDGE") + 1;
        await c.Fs1.SendAsync(one.Frames.Skip(answered).Take(talking - answered));
        await c.Fs2.SendAsync(two.Frames.Skip(answered).Take(talking - answered));
        await WaitStoredAsync(one.Uuids[S1Customer], talkingToo: true);
        await WaitStoredAsync(two.Uuids[S1Customer], talkingToo: true);

        // fs1's socket drops and its call hangs up meanwhile: fs1 lists nothing live when the leader logs in again.
        c.Fs1.DropAll();
        await c.Fs1.Subscribed.WaitAsync(Patience);
        await c.Portal.WaitForAsync(s => s.FinishedCalls.Count == 1, Patience);
        await c.Fs2.SendAsync(two.From(talking));
        await c.Portal.WaitForAsync(s => s.FinishedCalls.Count == 2, Patience);
        await c.DeliveredAsync(Patience);

        SandboxFinishedCall first = c.Portal.State.FinishedCalls[0], second = c.Portal.State.FinishedCalls[1];
        Assert.Multiple(async () =>
        {
            Assert.That(first.ExternalCallId, Is.EqualTo(one.Uuids[S1Customer]), "fs1's call ended with its node's resync");
            Assert.That((second.ExternalCallId, second.UserId, second.StatusCode, second.Duration), Is.EqualTo((two.Uuids[S1Customer], 2, "200", 4)),
                "fs2's call went on untouched and ended from its own events");
            Assert.That(SucceededFinishes(c), Is.EqualTo(2));
            Assert.That((await a.RoleAsync(), await b.RoleAsync()), Is.EqualTo(("leader", "standby")), "a node's cut is not the leader's");
        });
    }

    [Test]
    public async Task An_install_taken_by_the_standby_reaches_the_leader_and_its_waiting_calls_go()
    {
        Cluster c = _cluster!;
        var app = new Dictionary<string, string>
        {
            ["FsBitrix:Bitrix:Auth"] = "app",
            ["FsBitrix:Bitrix:ClientId"] = c.Portal.App.ClientId,
            ["FsBitrix:Bitrix:ClientSecret"] = c.Portal.App.ClientSecret,
            ["FsBitrix:Bitrix:OAuthUrl"] = c.Portal.App.TokenUrl.AbsoluteUri,
            ["FsBitrix:Bitrix:Domain"] = c.Portal.BaseUrl.Authority,
            ["FsBitrix:Bitrix:WebhookUrl"] = string.Empty,
            ["FsBitrix:Bitrix:ApplicationToken"] = string.Empty,
        };
        (_, ServiceProcess b) = await LeaderAndStandbyAsync(app);

        // A call rings before the application is installed: its commands wait in the shared outbox.
        Replay call = await c.PrepareAsync("s1_inbound_answered.raw");
        await c.Fs1.SendAsync(call.Frames);
        await WaitAsync(async () => await c.Outbox.PendingCountAsync() > 0 && !await c.CallStates.CallIsLiveAsync(call.Uuids[S1Customer]));
        SentEvent installed = await c.Portal.App.InstallAsync(new Uri(b.Url, "bitrix/install"));

        await c.Portal.WaitForAsync(s => s.FinishedCalls.Count == 1, Patience);
        await c.DeliveredAsync(Patience);
        Assert.Multiple(() =>
        {
            Assert.That(installed.HandlerStatus, Is.EqualTo(200), "the standby took the install");
            Assert.That(c.Portal.State.FinishedCalls.Single().ExternalCallId, Is.EqualTo(call.Uuids[S1Customer]), "the leader sent the call with the new tokens");
            Assert.That(SucceededFinishes(c), Is.EqualTo(1));
        });
    }

    [Test]
    public async Task A_click_posted_to_the_standby_rings_the_rep_once_through_the_leader()
    {
        Cluster c = _cluster!;
        (_, ServiceProcess b) = await LeaderAndStandbyAsync();
        c.Fs2.Registrations["1001"] = "lab.example";

        SentEvent sent = await c.Portal.Events.StartClickToCallAsync(new Click(2, "+79161234567"), b.EventsUrl);
        BgapiCommand originate = await c.Fs2.NextBgapiAsync(Patience);
        System.Text.Json.Nodes.JsonNode status = System.Text.Json.Nodes.JsonNode.Parse(await b.GetAsync("status.json"))!;
        System.Net.HttpStatusCode health = await b.HealthStatusAsync();

        Assert.Multiple(() =>
        {
            Assert.That(sent.HandlerStatus, Is.EqualTo(200), "the standby takes the click");
            Assert.That(originate.BitrixCallId, Is.EqualTo(sent.CallId), "the leader places it, on the node where 1001 is registered");
            Assert.That(c.Fs1.Bgapis, Is.Empty);
            Assert.That((status["status"]!.GetValue<string>(), status["role"]!.GetValue<string>()), Is.EqualTo(("standby", "standby")),
                "the standby's status page says what it is");
            Assert.That(health, Is.EqualTo(System.Net.HttpStatusCode.OK), "a standby following no node is well: a load balancer keeps sending it HTTP");
        });
    }

    private async Task<(ServiceProcess Leader, ServiceProcess Standby)> LeaderAndStandbyAsync(IReadOnlyDictionary<string, string>? also = null)
    {
        ServiceProcess leader = await LeaderAsync("a", also);
        ServiceProcess standby = _cluster!.Start("b", also);
        await standby.WaitForRoleAsync("standby", Patience);
        return (leader, standby);
    }

    // s1 on each node up to its answer: both reps' phones ring and show the client's card.
    private async Task<(Replay One, Replay Two)> RingingOnBothNodesAsync()
    {
        Cluster c = _cluster!;
        Replay one = await c.PrepareAsync("s1_inbound_answered.raw");
        Replay two = await c.PrepareAsync("s1_inbound_answered.raw");
        int answered = one.IndexOf("CHANNEL_ANSWER");
        await c.Fs1.SendAsync(one.Before(answered));
        await c.Fs2.SendAsync(two.Before(answered));
        await c.Portal.WaitForAsync(s => s.LiveCalls.Count == 2 && s.LiveCalls.All(l => s.CardViewers(l.CallId).Count == 1), Patience);
        return (one, two);
    }

    private async Task<ServiceProcess> LeaderAsync(string name, IReadOnlyDictionary<string, string>? also = null)
    {
        Cluster c = _cluster!;
        ServiceProcess leader = c.Start(name, also);
        await leader.WaitForRoleAsync("leader", Patience);
        await Task.WhenAll(c.Fs1.Subscribed, c.Fs2.Subscribed).WaitAsync(Patience);
        return leader;
    }

    // The leader has the call in the shared database (its state written): what a takeover restores.
    private async Task WaitStoredAsync(string callKey, bool talkingToo) => await WaitAsync(async () =>
        (await _cluster!.CallStates.LiveCallStatesAsync()).FirstOrDefault(s => s.CallKey == callKey).State is { } state
        && (!talkingToo || FsBitrix.Core.Persistence.CallStateJson.Deserialize(state).CurrentAgent is not null));

    // Events sent before a kill count as taken in once the call's state (or its end) is in the database.
    private async Task WaitTakenInAsync(Replay call, int sent)
    {
        string key = call.Uuids[S1Customer];
        if (!Created(call, key, sent))
        {
            return;
        }

        await WaitAsync(async () => await _cluster!.CallStates.KnowsCallAsync(key));
    }

    private static void MarkLive(CaptureFreeSwitch node, Replay call, int sent)
    {
        foreach (string uuid in call.Uuids.Values.Where(u => Created(call, u, sent) && !Ended(call, u, sent)))
        {
            node.LiveChannels[uuid] = true;
        }
    }

    private static bool Created(Replay call, string uuid, int before) => Index(call, "CHANNEL_CREATE", uuid) is var i and >= 0 && i < before;

    private static bool Ended(Replay call, string uuid, int before) => Index(call, "CHANNEL_HANGUP_COMPLETE", uuid) is var i and >= 0 && i < before;

    private static int Index(Replay call, string eventName, string uuid) => call.Frames.FindIndex(f =>
        Encoding.UTF8.GetString(f) is var text
        && text.Contains("\nEvent-Name: " + eventName + "\n", StringComparison.Ordinal)
        && text.Contains("\nUnique-ID: " + uuid + "\n", StringComparison.Ordinal));

    private static int SucceededFinishes(Cluster c) =>
        c.Portal.State.Requests.Count(r => r.Method == "telephony.externalcall.finish" && r.Status == 200);

    private static async Task WaitAsync(Func<Task<bool>> condition)
    {
        using var timeout = new CancellationTokenSource(Patience);
        while (!await condition())
        {
            await Task.Delay(50, timeout.Token);
        }
    }
}
