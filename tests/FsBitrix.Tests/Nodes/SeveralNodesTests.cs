using System.Net;
using System.Text.Json.Nodes;
using FsBitrix.Configuration;
using FsBitrix.Core.Persistence;
using FsBitrix.Hosting;
using FsBitrix.Outbox;
using FsBitrix.Sandbox.Events;
using FsBitrix.Sandbox.State;
using FsBitrix.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Click = FsBitrix.Sandbox.Events.ClickToCall;

namespace FsBitrix.Tests.Nodes;

/// <summary>
/// One service following two FreeSWITCH nodes (<c>Esl:Nodes</c>): fs1 is the harness's fake FreeSWITCH, fs2 a second
/// one on its own port (recordings on the same folder, as a shared mount would have them). Each node's calls are
/// followed on their own node: a node's cut resyncs its calls only.
/// </summary>
[CancelAfter(60_000)]
public class SeveralNodesTests
{
    private static readonly TimeSpan Patience = ServiceHarness.Patience;

    [Test]
    public async Task Calls_on_both_nodes_each_reach_bitrix24_once_and_health_names_both_nodes()
    {
        await using TwoNodes n = await TwoNodes.StartAsync();
        Replay one = await n.H.PrepareAsync("s1_inbound_answered.raw");
        Replay two = await n.H.PrepareAsync("s1_inbound_answered.raw");

        await RingThenTalkAsync(n, n.H.FreeSwitch, one, calls: 1);
        await RingThenTalkAsync(n, n.Fs2, two, calls: 2);
        int talking = one.IndexOf("CHANNEL_BRIDGE") + 1;
        await n.H.FreeSwitch.SendAsync(one.From(talking));
        await n.Fs2.SendAsync(two.From(talking));
        await n.H.Portal.WaitForAsync(s => s.FinishedCalls.Count == 2 && s.FinishedCalls.All(c => c.Recording is not null), Patience);
        await n.H.SettledAsync();

        (HttpStatusCode status, JsonObject health) = await HealthAsync(n.H);
        Assert.Multiple(() =>
        {
            Assert.That(n.H.Portal.State.RequestCount("telephony.externalcall.register"), Is.EqualTo(2));
            Assert.That(n.H.Portal.State.RequestCount("telephony.externalcall.finish"), Is.EqualTo(2));
            Assert.That(n.H.Portal.State.FinishedCalls.Select(c => (c.UserId, c.StatusCode, c.Duration)), Is.All.EqualTo((2, "200", 4)));
            Assert.That(n.H.Portal.State.FinishedCalls.Select(c => c.ExternalCallId),
                Is.EquivalentTo(new[] { one.Uuids[S1Customer], two.Uuids[S1Customer] }));
            Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(health["nodes"]!.AsArray().Select(x => (x!["name"]!.GetValue<string>(), x["connected"]!.GetValue<bool>())),
                Is.EqualTo(new[] { ("fs1", true), ("fs2", true) }));
        });
    }

    [Test]
    public async Task A_nodes_cut_resyncs_its_own_calls_and_leaves_the_other_nodes_calls_as_they_were()
    {
        await using TwoNodes n = await TwoNodes.StartAsync();
        Replay one = await n.H.PrepareAsync("s1_inbound_answered.raw");
        Replay two = await n.H.PrepareAsync("s1_inbound_answered.raw");
        await RingThenTalkAsync(n, n.H.FreeSwitch, one, calls: 1);
        await RingThenTalkAsync(n, n.Fs2, two, calls: 2);

        // The status page says which node each call lives on.
        using (var http = new HttpClient())
        {
            JsonArray calls = JsonNode.Parse(await http.GetStringAsync(new Uri(n.H.ServiceUrl, "status.json")))!["calls"]!.AsArray();
            Assert.That(calls.Select(c => (c!["call"]!.GetValue<string>(), c["node"]!.GetValue<string>())),
                Is.EquivalentTo(new[] { (one.Uuids[S1Customer], "fs1"), (two.Uuids[S1Customer], "fs2") }));
        }

        // fs1's socket drops and its call hangs up meanwhile: fs1 reports nothing live when it is back.
        n.H.FreeSwitch.DropAll();
        await n.H.Portal.WaitForAsync(s => s.FinishedCalls.Count == 1, Patience);
        Assert.That(n.H.Portal.State.FinishedCalls.Single().ExternalCallId, Is.EqualTo(one.Uuids[S1Customer]), "fs1's call ended with the resync");

        // fs2's call went on untouched by fs1's gap and resync: it ends from its own events, not as an estimate.
        ICallStates store = n.H.Service!.Services.GetRequiredService<ICallStates>();
        string twoKey = two.Uuids[S1Customer];
        string state = (await store.LiveCallStatesAsync()).Single(c => c.CallKey == twoKey).State;
        Assert.That(CallStateJson.Deserialize(state).ThroughGap, Is.False, "fs1's gap is not fs2's");
        Assert.That(CallStateJson.Deserialize(state).Node, Is.EqualTo("fs2"));

        await n.Fs2.SendAsync(two.From(two.IndexOf("CHANNEL_BRIDGE") + 1));
        await n.H.Portal.WaitForAsync(s => s.FinishedCalls.Count == 2, Patience);
        SandboxFinishedCall second = n.H.Portal.State.FinishedCalls.Single(c => c.ExternalCallId == twoKey);
        Assert.That((second.StatusCode, second.Duration), Is.EqualTo(("200", 4)));
    }

    [Test]
    public async Task A_click_rings_the_reps_phone_from_the_node_it_is_registered_on()
    {
        await using TwoNodes n = await TwoNodes.StartAsync();
        n.Fs2.Registrations["1001"] = "lab.example";

        SentEvent sent = await n.H.Portal.Events.StartClickToCallAsync(new Click(2, "+79161234567"), n.H.EventsUrl);
        BgapiCommand originate = await n.Fs2.NextBgapiAsync(Patience);

        Assert.That(sent.HandlerStatus, Is.EqualTo(200));
        Assert.That(originate.BitrixCallId, Is.EqualTo(sent.CallId));
        Assert.That(n.H.FreeSwitch.Bgapis, Is.Empty, "fs1, where 1001 is not registered, dials nothing");
    }

    [Test]
    public async Task A_click_for_a_phone_registered_nowhere_goes_to_ClickToCall_Node()
    {
        await using TwoNodes n = await TwoNodes.StartAsync(o => o.ClickToCall.Node = "FS2");

        SentEvent sent = await n.H.Portal.Events.StartClickToCallAsync(new Click(2, "+79161234567"), n.H.EventsUrl);
        BgapiCommand originate = await n.Fs2.NextBgapiAsync(Patience);

        Assert.That(originate.BitrixCallId, Is.EqualTo(sent.CallId));
        Assert.That(n.H.FreeSwitch.Bgapis, Is.Empty);
    }

    [Test]
    public void Nodes_without_a_name_or_with_one_name_twice_are_refused()
    {
        var ex = Assert.ThrowsAsync<ConfigurationProblemException>(() => FsBitrixApp.CreateAsync([], o =>
        {
            o.Bitrix.WebhookUrl = "https://portal.bitrix24.com/rest/1/abc/";
            o.Esl.Nodes.Add(new EslNodeSettings { Name = "fs1", Host = "127.0.0.1", Port = 8021 });
            o.Esl.Nodes.Add(new EslNodeSettings { Name = "FS1", Host = "127.0.0.1", Port = 8022 });
            o.Esl.Nodes.Add(new EslNodeSettings { Name = "fs 3", Host = "127.0.0.1", Port = 8023 });
            o.Esl.Nodes.Add(new EslNodeSettings { Name = "fs4", Host = "", Port = 70000 });
        }))!;

        Assert.That(ex.Problems, Is.EqualTo(new[]
        {
            "FsBitrix:Esl:Nodes:1:Name 'FS1' is used twice: each node needs its own name",
            "FsBitrix:Esl:Nodes:2:Name must name the node in one word (e.g. fs1): logs, /healthz and ClickToCall:Node use it",
            "FsBitrix:Esl:Nodes:3: Host and Port must name that node's event socket (event_socket.conf.xml)",
        }));
    }

    private const string S1Customer = "86e6b4a4-da8c-496f-8001-d64d3843a17b";

    // As a real call goes: the card while the phone rings, then the answer and the bridge.
    private static async Task RingThenTalkAsync(TwoNodes n, CaptureFreeSwitch node, Replay call, int calls)
    {
        int answered = call.IndexOf("CHANNEL_ANSWER");
        int talking = call.IndexOf("CHANNEL_BRIDGE") + 1;
        await node.SendAsync(call.Before(answered));
        string key = call.Uuids[S1Customer];
        await n.H.Portal.WaitForAsync(s => s.LiveCalls.Count == calls
            && s.LiveCalls.Any(c => c.ExternalCallId == key && s.CardViewers(c.CallId).Count == 1), Patience);
        await node.SendAsync(call.Frames.Skip(answered).Take(talking - answered));
        ICallStates store = n.H.Service!.Services.GetRequiredService<ICallStates>();
        FsBitrix.Calls.CallTracker tracker = n.H.Service.Services.GetRequiredService<FsBitrix.Calls.CallTracker>();
        await n.H.WaitUntilAsync(async () =>
        {
            await tracker.FlushAsync();
            return (await store.LiveCallStatesAsync()).Any(c => c.CallKey == key && CallStateJson.Deserialize(c.State).CurrentAgent is not null);
        });
    }

    private static async Task<(HttpStatusCode Status, JsonObject Body)> HealthAsync(ServiceHarness h)
    {
        using var http = new HttpClient();
        using HttpResponseMessage response = await http.GetAsync(new Uri(h.ServiceUrl, "healthz"));
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject());
    }

    private sealed class TwoNodes : IAsyncDisposable
    {
        private TwoNodes(ServiceHarness h, CaptureFreeSwitch fs2)
        {
            H = h;
            Fs2 = fs2;
        }

        public ServiceHarness H { get; }

        public CaptureFreeSwitch Fs2 { get; }

        public static async Task<TwoNodes> StartAsync(Action<FsBitrixOptions>? configure = null)
        {
            ServiceHarness? h = null;
            CaptureFreeSwitch? fs2 = null;
            h = await ServiceHarness.StartAsync(o =>
            {
                o.Esl.Nodes.Add(new EslNodeSettings { Name = "fs1", Host = "127.0.0.1", Port = o.Esl.Port });
                o.Esl.Nodes.Add(new EslNodeSettings { Name = "fs2", Host = "127.0.0.1", Port = fs2!.Port });
                configure?.Invoke(o);
            }, startService: false);
            fs2 = new CaptureFreeSwitch(h.FreeSwitch.RecordingsFolder);
            await h.StartServiceAsync();
            await fs2.Subscribed.WaitAsync(Patience);
            return new TwoNodes(h, fs2);
        }

        public async ValueTask DisposeAsync()
        {
            await H.DisposeAsync();
            await Fs2.DisposeAsync();
        }
    }
}
