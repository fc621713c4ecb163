using FsBitrix.Sandbox;
using FsBitrix.Sandbox.Events;
using FsBitrix.Sandbox.State;
using FsBitrix.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Click = FsBitrix.Sandbox.Events.ClickToCall;

namespace FsBitrix.Tests.Tenants;

/// <summary>
/// Two companies on one FreeSWITCH: lab.example (the default portal, <c>FsBitrix:Bitrix</c>) and b.example (its own
/// portal, configured the way an admin would: <c>FsBitrix__Tenants__0__…</c> environment variables). Both portals
/// are sandboxes; in each, extension 1001 is a different person: user 2 in the default portal, user 4 in b.example's
/// (its own <c>Users</c> map).
/// </summary>
[CancelAfter(60_000)]
public class TenantEndToEndTests
{
    private const int DefaultsUser1001 = 2;
    private const int BsUser1001 = 4;

    [Test]
    public async Task A_second_companys_call_lands_only_in_its_portal_with_its_own_extension_1001()
    {
        await using Companies c = await Companies.StartAsync();

        // 1001 rings long enough for its card, as a phone does.
        (List<byte[]> ringing, List<byte[]> answered) =
            Queues.Inbound.Split((await c.Service.PrepareAsync("s25_second_tenant.raw")).Frames, "CHANNEL_ANSWER");
        await c.Service.FreeSwitch.SendAsync(ringing);
        await c.B.WaitForAsync(s => s.CardsByUser.Count == 1, ServiceHarness.Patience);
        await c.Service.FreeSwitch.SendAsync(answered);
        await c.B.WaitForAsync(s => s.FinishedCalls.Count == 1 && s.FinishedCalls[0].Recording is not null, ServiceHarness.Patience);
        await c.Service.SettledAsync();

        SandboxFinishedCall call = c.B.State.FinishedCalls.Single();
        Assert.Multiple(() =>
        {
            Assert.That(c.B.State.RequestCount("telephony.externalcall.register"), Is.EqualTo(1), "one call");
            Assert.That(c.B.State.RequestCount("telephony.externalcall.finish"), Is.EqualTo(1));
            Assert.That(call.UserId, Is.EqualTo(BsUser1001), "b.example's 1001");
            Assert.That(call.StatusCode, Is.EqualTo("200"));
            Assert.That(call.Duration, Is.InRange(2, 4));
            Assert.That(call.Recording, Is.Not.Null);
            Assert.That(ShownTo(c.B), Is.EqualTo(new[] { BsUser1001 }));
            Assert.That(c.Service.Portal.State.Requests.Where(r => r.Method.StartsWith("telephony.", StringComparison.OrdinalIgnoreCase)), Is.Empty,
                "nothing reaches the default portal");
        });
    }

    [Test]
    public async Task The_same_extension_in_two_companies_at_once_gets_each_companys_call()
    {
        await using Companies c = await Companies.StartAsync();
        Replay lab = await c.Service.PrepareAsync("s21_ivr_then_agent.raw");
        Replay b = await c.Service.PrepareAsync("s25_second_tenant.raw");

        // lab.example's 1001 rings; b.example's call comes and goes meanwhile; then lab.example's 1001 answers.
        int labAnswer = lab.IndexOf("CHANNEL_ANSWER", after: lab.IndexOf("CHANNEL_CREATE", after: lab.IndexOf("CHANNEL_CREATE")));
        await c.Service.FreeSwitch.SendAsync([.. lab.Before(labAnswer), .. b.Frames, .. lab.From(labAnswer)]);
        await c.B.WaitForAsync(s => s.FinishedCalls.Count == 1 && s.FinishedCalls[0].Recording is not null, ServiceHarness.Patience);
        await c.Service.Portal.WaitForAsync(s => s.FinishedCalls.Count == 1 && s.FinishedCalls[0].Recording is not null, ServiceHarness.Patience);
        await c.Service.SettledAsync();

        Assert.Multiple(() =>
        {
            Assert.That(c.Service.Portal.State.FinishedCalls.Single().UserId, Is.EqualTo(DefaultsUser1001));
            Assert.That(c.Service.Portal.State.FinishedCalls.Single().Duration, Is.InRange(3, 5));
            Assert.That(c.B.State.FinishedCalls.Single().UserId, Is.EqualTo(BsUser1001));
            Assert.That(c.Service.Portal.State.RequestCount("telephony.externalcall.register"), Is.EqualTo(1));
            Assert.That(c.B.State.RequestCount("telephony.externalcall.register"), Is.EqualTo(1));
        });
    }

    [Test]
    public async Task One_companys_portal_down_never_holds_the_other_companys_calls()
    {
        await using Companies c = await Companies.StartAsync();
        c.B.Faults.StartOutage();

        await c.Service.PlayAsync("s25_second_tenant.raw");
        await c.Service.PlayAsync("s21_ivr_then_agent.raw");
        await c.Service.Portal.WaitForAsync(s => s.FinishedCalls.Count == 1 && s.FinishedCalls[0].Recording is not null, ServiceHarness.Patience);

        Assert.That(c.B.State.FinishedCalls, Is.Empty, "b.example's portal is down: its call waits in the outbox");
        c.B.Faults.Clear();
        await c.B.WaitForAsync(s => s.FinishedCalls.Count == 1, ServiceHarness.Patience);
        Assert.That(c.B.State.FinishedCalls.Single().UserId, Is.EqualTo(BsUser1001));
        Assert.That(c.B.State.RequestCount("telephony.externalcall.finish"), Is.EqualTo(1), "finished once");
    }

    [Test]
    public async Task A_click_in_a_second_companys_portal_rings_that_companys_phone_and_finishes_there()
    {
        await using Companies c = await Companies.StartAsync();

        // Anna (user 2 of b.example's portal, extension 1001 there) clicks a client's number.
        SentEvent sent = await c.B.Events.StartClickToCallAsync(new Click(2, "+79161234567"), c.Service.EventsUrl);
        BgapiCommand originate = await c.Service.FreeSwitch.NextBgapiAsync(ServiceHarness.Patience);

        Assert.That(sent.HandlerStatus, Is.EqualTo(200), "b.example's application token is b.example's event");
        Assert.That(originate.Variable("domain_name"), Is.EqualTo("b.example"));
        Assert.That(originate.Command, Does.Contain("}user/1001@b.example &bridge("), "b.example's 1001, not the default domain's");

        // FreeSWITCH puts the originate's domain_name on the rep's leg, which sends the finish to b.example's portal.
        await c.Service.FreeSwitch.SendAsync(ClickToCallScript.Frames("s12_click_to_call.raw", originate, c.Service.FreeSwitch.RecordingsFolder,
            body => body.Replace("\nUnique-ID: ", "\nvariable_domain_name: b.example\nUnique-ID: ", StringComparison.Ordinal)));
        SandboxFinishedCall call = await c.B.WaitForFinishAsync(sent.CallId!, ServiceHarness.Patience);
        await c.Service.SettledAsync();

        Assert.Multiple(() =>
        {
            Assert.That(call.StatusCode, Is.EqualTo("200"));
            Assert.That(c.B.State.RequestCount("telephony.externalcall.finish"), Is.EqualTo(1));
            Assert.That(c.Service.Portal.State.RequestCount("telephony.externalcall.finish"), Is.Zero, "nothing in the default portal");
        });
    }

    [Test]
    public async Task A_portals_token_never_starts_a_call_for_another_and_an_unknown_one_is_refused()
    {
        await using Companies c = await Companies.StartAsync();
        await using SandboxPortal stranger = await SandboxPortal.StartAsync(new SandboxOptions { RateLimit = SandboxRateLimit.None, Domain = "x.bitrix24.test" });

        SentEvent refused = await stranger.Events.StartClickToCallAsync(new Click(2, "+79161234567"), c.Service.EventsUrl);
        SentEvent fromDefault = await c.Service.Portal.Events.StartClickToCallAsync(new Click(2, "+79161234567"), c.Service.EventsUrl);
        BgapiCommand originate = await c.Service.FreeSwitch.NextBgapiAsync(ServiceHarness.Patience);

        Assert.Multiple(() =>
        {
            Assert.That(refused.HandlerStatus, Is.EqualTo(401), "a third portal's token is nobody's");
            Assert.That(fromDefault.HandlerStatus, Is.EqualTo(200));
            Assert.That(originate.BitrixCallId, Is.EqualTo(fromDefault.CallId), "the one originate is the default portal's click");
            Assert.That(originate.Variable("domain_name"), Is.Null);
            Assert.That(originate.Command, Does.Contain("}user/1001 &bridge("));
        });
    }

    [Test]
    public async Task Commands_of_a_company_no_longer_configured_are_reported_at_start_and_kept()
    {
        await using SandboxPortal b = await SandboxPortal.StartAsync(new SandboxOptions { RateLimit = SandboxRateLimit.None, Domain = "b.bitrix24.test" });
        b.Faults.StartOutage();
        await using ServiceHarness h = await ServiceHarness.StartAsync(o =>
            o.Tenants.Add(new FsBitrix.Tenants.TenantSettings { Domain = "b.example", WebhookUrl = b.WebhookUrl.ToString(), RateLimitPerSecond = 0 }));
        await h.PlayAsync("s25_second_tenant.raw");
        await b.WaitForAsync(s => s.StatusCount(503) > 0, ServiceHarness.Patience);

        await h.StopServiceAsync();
        await h.StartServiceAsync(o => o.Tenants.Clear());
        IReadOnlyList<(string Tenant, long Pending)> found = h.Service!.Services.GetRequiredService<FsBitrix.Tenants.OrphanedCommands>().Found;

        Assert.That(found.Select(f => f.Tenant), Is.EqualTo(new[] { "b.example" }));
        Assert.That(found.Single().Pending, Is.GreaterThan(0));
        Assert.That(h.Portal.State.RequestCount("telephony.externalcall.register"), Is.Zero, "not sent to the default portal either");
    }

    // The users a portal was asked to show the card to (USER_ID of each show, one id or a list).
    private static int[] ShownTo(SandboxPortal portal) =>
        [.. portal.State.Requests.Where(r => r.Method.Equals("telephony.externalcall.show", StringComparison.OrdinalIgnoreCase))
            .Select(r => System.Text.Json.Nodes.JsonNode.Parse(r.Parameters)!["USER_ID"]!)
            .SelectMany(u => u is System.Text.Json.Nodes.JsonArray a ? a.Select(x => x!) : [u])
            .Select(u => int.Parse(u.ToString(), System.Globalization.CultureInfo.InvariantCulture)).Distinct()];

    /// <summary>The service with the default portal (the harness's) and b.example's, set through environment variables.</summary>
    private sealed class Companies : IAsyncDisposable
    {
        private static readonly string[] Variables =
        [
            "FsBitrix__Tenants__0__Domain", "FsBitrix__Tenants__0__WebhookUrl", "FsBitrix__Tenants__0__ApplicationToken",
            "FsBitrix__Tenants__0__RateLimitPerSecond", "FsBitrix__Tenants__0__Users__1001",
        ];

        private Companies(ServiceHarness service, SandboxPortal b)
        {
            Service = service;
            B = b;
        }

        public ServiceHarness Service { get; }

        public SandboxPortal B { get; }

        public static async Task<Companies> StartAsync()
        {
            SandboxPortal b = await SandboxPortal.StartAsync(new SandboxOptions { RateLimit = SandboxRateLimit.None, Domain = "b.bitrix24.test" });
            string[] values = ["b.example", b.WebhookUrl.ToString(), b.Options.ApplicationToken, "0", BsUser1001.ToString(System.Globalization.CultureInfo.InvariantCulture)];
            for (int i = 0; i < Variables.Length; i++)
            {
                Environment.SetEnvironmentVariable(Variables[i], values[i]);
            }

            try
            {
                return new Companies(await ServiceHarness.StartAsync(), b);
            }
            finally
            {
                // Read at the service's start; no other test may see them.
                foreach (string name in Variables)
                {
                    Environment.SetEnvironmentVariable(name, null);
                }
            }
        }

        public async ValueTask DisposeAsync()
        {
            await Service.DisposeAsync();
            await B.DisposeAsync();
        }
    }
}
