using FsBitrix.Sandbox;
using FsBitrix.Sandbox.State;
using FsBitrix.Tests.Support;

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

        await c.Service.PlayAsync("s25_second_tenant.raw");
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
