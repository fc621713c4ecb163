using FsBitrix.Core.Queues;
using FsBitrix.Queues;
using FsBitrix.Sandbox;
using FsBitrix.Sandbox.State;
using FsBitrix.SocketApp;
using FsBitrix.Tenants;
using FsBitrix.Tests.Queues;
using FsBitrix.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace FsBitrix.Tests.Tenants;

/// <summary>
/// FsBitrix's own queues (the socket application) on a switch two companies share: lab.example (the default company)
/// and b.example each have a queue "sales" of their extensions 1001 and 1002 — four different phones. The s16
/// ring-all call is played as b.example's: its DID set <c>domain_name=b.example</c>, and FreeSWITCH's agent legs name
/// the dialled user's domain (<c>dialed_domain</c>, as in s25).
/// </summary>
[CancelAfter(60_000)]
public class TenantQueueTests
{
    private const int BsUser1001 = 4;
    private static readonly TimeSpan Patience = ServiceHarness.Patience;

    [Test]
    public async Task A_companys_caller_rings_that_companys_phones_and_lands_only_in_its_portal()
    {
        await using SandboxPortal b = await StartPortalAsync();
        await using QueueHarness h = await StartAsync(b, responsibleFirstSeconds: 0);
        await using FakeSocketCall call = await BsCallAsync(h);
        var inbound = new Inbound("s16_socket_ring_all.raw", Legs.S16Customer, call.CallerUuid);
        await h.PlayAsync(inbound.Before(Legs.S16Agent1001, InB));

        SocketCommand bridge = await call.NextBridgeAsync(Patience);
        Assert.That(bridge.Argument, Does.Contain("]user/1001@b.example").And.Contain("]user/1002@b.example"), "b.example's phones");
        Assert.That(bridge.Argument, Does.Not.Contain("]user/1001,").And.Not.Contain("]user/1002,"), "not the default domain's");

        await PlayAnsweredBy1002Async(h, b, call, bridge, inbound);

        SandboxFinishedCall finished = b.State.FinishedCalls.Single();
        Assert.Multiple(() =>
        {
            Assert.That((finished.UserId, finished.StatusCode, finished.Duration), Is.EqualTo((3, "200", 3)), "b.example's user of 1002");
            Assert.That(b.State.RequestCount("telephony.externalcall.register"), Is.EqualTo(1));
            Assert.That(b.State.CardsByUser, Is.Empty, "every card closed");
            Assert.That(h.Portal.State.Requests.Where(r => r.Method.StartsWith("telephony.", StringComparison.OrdinalIgnoreCase) || r.Method == "batch"),
                Is.Empty, "nothing reaches the default portal");
        });
    }

    [Test]
    public async Task A_phone_busy_in_one_company_leaves_the_same_extension_of_the_other_free()
    {
        await using SandboxPortal b = await StartPortalAsync();
        await using QueueHarness h = await StartAsync(b, responsibleFirstSeconds: 0);

        // The default company's 1001 is on a call (s21: lab.example's 1001 rings, then talks).
        Replay lab = await h.Service.PrepareAsync("s21_ivr_then_agent.raw");
        await h.Service.FreeSwitch.SendAsync(lab.Before(lab.IndexOf("CHANNEL_ANSWER", after: lab.IndexOf("CHANNEL_CREATE", after: lab.IndexOf("CHANNEL_CREATE")))));
        await h.PresenceAsync(p => p.IsBusy("1001"), "lab.example's 1001 busy");

        await using FakeSocketCall call = await BsCallAsync(h);
        await h.PlayAsync(new Inbound("s16_socket_ring_all.raw", Legs.S16Customer, call.CallerUuid).Before(Legs.S16Agent1001, InB));
        SocketCommand bridge = await call.NextBridgeAsync(Patience);

        Assert.Multiple(() =>
        {
            Assert.That(bridge.Argument, Does.Contain("]user/1001@b.example"), "b.example's 1001 is another phone, and free");
            Assert.That(h.Board.Presence.IsBusy("1001@b.example", call.CallerUuid), Is.False);
        });
    }

    [Test]
    public async Task The_responsible_rep_comes_from_the_callers_companys_crm_and_rings_at_that_companys_extension()
    {
        await using SandboxPortal b = await StartPortalAsync();

        // In b.example's CRM the caller is Boris's (user 3, extension 1002 there); the default portal never hears of it.
        await using QueueHarness h = await StartAsync(b, responsibleFirstSeconds: 15);
        await using FakeSocketCall call = await BsCallAsync(h);
        await h.PlayAsync(new Inbound("s16_socket_ring_all.raw", Legs.S16Customer, call.CallerUuid).Before(Legs.S16Agent1001, InB));

        SocketCommand bridge = await call.NextBridgeAsync(Patience);
        Assert.Multiple(() =>
        {
            Assert.That(bridge.Legs.Keys, Is.EqualTo(new[] { "1002@b.example" }), "the rep rings alone first, at b.example's 1002");
            Assert.That(b.State.RequestCount("telephony.externalcall.searchcrmentities"), Is.EqualTo(1), "b.example's CRM was searched");
            Assert.That(h.Portal.State.Requests.Where(r => r.Method != "user.get"), Is.Empty, "the default portal is not asked");
        });
    }

    [Test]
    public async Task A_companys_extension_fallback_transfers_into_its_own_dialplan_context()
    {
        await using SandboxPortal b = await StartPortalAsync();
        await using QueueHarness h = await StartAsync(b, responsibleFirstSeconds: 0, fallback: "extension:1099");
        await using FakeSocketCall call = await BsCallAsync(h);
        await h.PlayAsync(new Inbound("s16_socket_ring_all.raw", Legs.S16Customer, call.CallerUuid).Before(Legs.S16Agent1001, InB));
        SocketCommand bridge = await call.NextBridgeAsync(Patience);

        // Nobody answers until the queue's maximum wait has passed.
        h.Clock.Advance(TimeSpan.FromSeconds(121));
        await call.EndBridgeAsync(bridge, answered: false);
        SocketCommand transfer = await call.NextAsync(c => c.IsExecute("transfer"), Patience);

        Assert.That(transfer.Argument, Is.EqualTo("1099 XML b.example"), "FusionPBX names a domain's context after it");
    }

    [Test]
    public void A_fallback_queue_must_be_the_same_companys()
    {
        var options = new FsBitrix.Configuration.FsBitrixOptions();
        options.Queues["support"] = new QueueSettings { Agents = ["1001"] };
        options.Tenants.Add(new TenantSettings
        {
            Domain = "b.example",
            Queues = { ["sales"] = new QueueSettings { Agents = ["1001"], Fallback = "queue:support" } },
        });

        Assert.That(FsBitrix.Configuration.ConfigurationProblems.Find(options),
            Has.One.EqualTo("FsBitrix:Tenants:0:Queues:sales:Fallback names queue 'support', which is not configured in FsBitrix:Tenants:0:Queues"));
    }

    // b.example's DID set domain_name on the caller's leg; FreeSWITCH names the dialled user's domain on the agents' legs.
    private static string InB(string body) =>
        body.Replace("\nUnique-ID: ", "\nvariable_domain_name: b.example\nvariable_dialed_domain: b.example\nUnique-ID: ", StringComparison.Ordinal);

    private static Task<SandboxPortal> StartPortalAsync() =>
        SandboxPortal.StartAsync(new SandboxOptions { RateLimit = SandboxRateLimit.None, Domain = "b.bitrix24.test" });

    private static async Task<QueueHarness> StartAsync(SandboxPortal b, int responsibleFirstSeconds, string fallback = "hangup:NO_ANSWER")
    {
        var sales = new QueueSettings { Agents = ["1001", "1002"], ResponsibleFirstSeconds = responsibleFirstSeconds, Fallback = fallback };
        QueueHarness h = await QueueHarness.StartAsync(new QueueSettings { Agents = ["1001", "1002"], ResponsibleFirstSeconds = 0 }, o =>
            o.Tenants.Add(new TenantSettings
            {
                Domain = "b.example",
                WebhookUrl = b.WebhookUrl.ToString(),
                RateLimitPerSecond = 0,
                Users = { ["1001"] = BsUser1001 },
                Queues = { ["sales"] = sales },
            }));
        Assert.That(await h.Service.Service!.Services.GetRequiredService<TenantPortals>().Get("b.example").Directory.RefreshAsync(), Is.True);
        return h;
    }

    // The socket application's connect shows the caller's channel as b.example's DID left it.
    private static Task<FakeSocketCall> BsCallAsync(QueueHarness h) =>
        FakeSocketCall.ConnectAsync(h.Service.Service!.Services.GetRequiredService<SocketAppService>().Endpoint!, null,
            ("fsbitrix_queue", "sales\nvariable_domain_name: b.example"));

    private static async Task PlayAnsweredBy1002Async(QueueHarness h, SandboxPortal b, FakeSocketCall call, SocketCommand bridge, Inbound inbound)
    {
        inbound.Uuids[Legs.S16Agent1001] = bridge.Legs["1001@b.example"];
        inbound.Uuids[Legs.S16Agent1002] = bridge.Legs["1002@b.example"];
        (List<byte[]> ring, List<byte[]> rest) = Inbound.Split(inbound.From(Legs.S16Agent1001, InB), "CHANNEL_ANSWER");
        await h.PlayAsync(ring);
        await b.WaitForAsync(s => s.CardsByUser.Count(c => c.Value.Count == 1) == 2, Patience);
        await h.PlayAsync(rest);
        await b.WaitForAsync(s => s.FinishedCalls.Count == 1, Patience);
        await call.EndBridgeAsync(bridge, answered: true);
        await call.HangUpAsync();
        await call.Exited.WaitAsync(Patience);
        Assert.That(h.Board.Waiting, Is.Zero);
    }
}
