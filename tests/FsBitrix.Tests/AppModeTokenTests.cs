using FsBitrix.Hosting;
using System.Net;
using System.Text.Json.Nodes;
using FsBitrix.AppMode;
using FsBitrix.Bitrix24.Auth;
using FsBitrix.Calls;
using FsBitrix.Outbox;
using FsBitrix.Sandbox.Faults;
using FsBitrix.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace FsBitrix.Tests;

/// <summary>
/// App-mode tokens over the service's life: renewed when they expire so queued commands go through; a refused
/// renewal degrades <c>/healthz</c> and parks the outbox without losing or spending anything, and a reinstall sends
/// everything that waited.
/// </summary>
[CancelAfter(60_000)]
public class AppModeTokenTests
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);
    private FakeTimeProvider _portalClock = null!;
    private FakeTimeProvider _serviceClock = null!;

    [SetUp]
    public void Clocks()
    {
        _portalClock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        _serviceClock = new FakeTimeProvider(DateTimeOffset.UtcNow);
    }

    [Test]
    public async Task An_expired_token_is_renewed_ahead_on_the_services_clock_and_the_call_goes_through()
    {
        await using ServiceHarness h = await StartAsync();
        string installed = await AccessTokenAsync(h);

        _portalClock.Advance(Lifetime + TimeSpan.FromMinutes(1));
        _serviceClock.Advance(Lifetime + TimeSpan.FromMinutes(1));
        await h.PlayAsync("s1_inbound_answered.raw");
        await h.Portal.WaitForAsync(s => s.FinishedCalls.Count == 1, ServiceHarness.Patience);

        Assert.That(await AccessTokenAsync(h), Is.Not.EqualTo(installed), "renewed and stored");
        Assert.That(h.Portal.State.StatusCount(401), Is.Zero, "renewed before the portal had to refuse it");
        Assert.That(h.Portal.State.FinishedCalls.Single().StatusCode, Is.EqualTo("200"));
    }

    [Test]
    public async Task An_expired_token_the_portal_refuses_is_renewed_once_and_the_command_resent()
    {
        await using ServiceHarness h = await StartAsync();
        string installed = await AccessTokenAsync(h);

        _portalClock.Advance(Lifetime + TimeSpan.FromMinutes(1));
        await h.PlayAsync("s1_inbound_answered.raw");
        await h.Portal.WaitForAsync(s => s.FinishedCalls.Count == 1, ServiceHarness.Patience);

        Assert.That(await AccessTokenAsync(h), Is.Not.EqualTo(installed));
        Assert.That(h.Portal.State.StatusCount(401), Is.EqualTo(1), "one expired_token, then every call with the renewed token");
        Assert.That(h.Portal.State.FinishedCalls.Single().StatusCode, Is.EqualTo("200"));
    }

    [Test]
    public async Task A_refused_renewal_degrades_health_keeps_every_command_and_a_reinstall_sends_them()
    {
        await using ServiceHarness h = await StartAsync();
        OAuthAuth auth = h.Service!.Services.GetRequiredService<OAuthAuth>();
        IOutboxStore outbox = h.Service.Services.GetRequiredService<IOutboxStore>();

        h.Portal.App.RevokeRefreshTokens();
        _portalClock.Advance(Lifetime + TimeSpan.FromMinutes(1));
        _serviceClock.Advance(Lifetime + TimeSpan.FromMinutes(1));
        await h.PlayAsync("s1_inbound_answered.raw");
        await h.WaitUntilAsync(async () => auth.State.Status == AppAuthStatus.Refused
            && h.Service.Services.GetRequiredService<Calls.CallTracker>().ActiveCalls == 0 && await outbox.PendingCountAsync() > 0);

        (HttpStatusCode status, JsonObject health) = await HealthAsync(h);
        Assert.That(status, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
        Assert.That(health["status"]!.GetValue<string>(), Is.EqualTo("degraded"));
        Assert.That(health["bitrix24"]!["app"]!["state"]!.GetValue<string>(), Is.EqualTo("Refused"));
        Assert.That(health["bitrix24"]!["app"]!["problem"]!.GetValue<string>(), Does.Contain("reinstall"));
        Assert.That(await outbox.PendingAttemptsAsync(), Is.Zero, "no attempt spent while authorization is broken");
        Assert.That(h.Portal.State.RequestCount("telephony.externalcall.register"), Is.Zero, "nothing sent with a dead token");

        await h.Portal.App.InstallAsync(h.InstallUrl);
        await h.SettledAsync();

        Assert.That(h.Portal.State.FinishedCalls.Single().StatusCode, Is.EqualTo("200"));
        Assert.That(h.Portal.State.RequestCount("telephony.externalcall.finish"), Is.EqualTo(1));
        Assert.That((await HealthAsync(h)).Status, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task A_portal_that_refuses_webhooks_gets_a_call_made_before_the_install_registered_and_finished_once_after_it()
    {
        await using ServiceHarness h = await ServiceHarness.StartAsync(appMode: true);
        // As the 2026 docs describe: register and finish through an incoming webhook answer WRONG_AUTH_TYPE.
        h.Portal.Faults.Add(new SandboxFault(SandboxFaultKind.WrongAuthType));

        int triedBeforeInstall = 0;
        void Tried(OutboxEntry entry, DeliveryResult result) => Interlocked.Increment(ref triedBeforeInstall);
        h.Service!.Services.GetRequiredService<OutboxDispatcher>().CommandDelivered += Tried;
        await h.PlayAsync("s1_inbound_answered.raw");
        CallTracker tracker = h.Service.Services.GetRequiredService<CallTracker>();
        IOutboxStore outbox = h.Service.Services.GetRequiredService<IOutboxStore>();
        // The call is over and its register, finish and recording wait in the outbox.
        await h.WaitUntilAsync(async () =>
        {
            await tracker.FlushAsync();
            return tracker.ActiveCalls == 0 && await outbox.PendingCountAsync() >= 3;
        });
        Assert.That(h.Portal.State.RequestCount("telephony.externalcall.register"), Is.Zero, "nothing sent without tokens");
        h.Service.Services.GetRequiredService<OutboxDispatcher>().CommandDelivered -= Tried;
        Assert.That(triedBeforeInstall, Is.Zero, "the outbox waits for the install instead of failing and backing off");

        await h.Portal.App.InstallAsync(h.InstallUrl);
        await h.Portal.WaitForAsync(s => s.FinishedCalls.Count == 1 && s.FinishedCalls[0].Recording is not null, ServiceHarness.Patience);
        await h.SettledAsync();

        Assert.That(h.Portal.State.FinishedCalls.Single().StatusCode, Is.EqualTo("200"));
        Assert.That(h.Portal.State.RequestCount("telephony.externalcall.register"), Is.EqualTo(1));
        Assert.That(h.Portal.State.RequestCount("telephony.externalcall.finish"), Is.EqualTo(1));
        Assert.That(h.Portal.State.StatusCount(403), Is.Zero, "every telephony call went with the application's token");
    }

    [Test]
    public async Task Without_the_apps_keys_the_install_is_taken_but_health_is_degraded_before_the_token_runs_out()
    {
        await using ServiceHarness h = await ServiceHarness.StartAsync(o => o.Bitrix.ClientSecret = null, appMode: true);

        Assert.That((await h.Portal.App.InstallAsync(h.InstallUrl)).HandlerStatus, Is.EqualTo(200), "the keys appear only after the install");

        (HttpStatusCode status, JsonObject body) = await HealthAsync(h);
        Assert.That(status, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
        Assert.That(body["bitrix24"]!["app"]!["state"]!.GetValue<string>(), Is.EqualTo("Ready"), "calls still go out for now");
        Assert.That(body["bitrix24"]!["app"]!["problem"]!.GetValue<string>(), Does.Contain("ClientSecret").And.Contain("within the hour"));
    }

    private async Task<ServiceHarness> StartAsync()
    {
        ServiceHarness h = await ServiceHarness.StartAsync(services: s => s.AddKeyedSingleton<TimeProvider>(FeatureClocks.Auth, _serviceClock), portalOptions: p =>
        {
            p.TimeProvider = _portalClock;
            p.AccessTokenLifetime = Lifetime;
        }, appMode: true);
        await h.Portal.App.InstallAsync(h.InstallUrl);
        return h;
    }

    private static async Task<string> AccessTokenAsync(ServiceHarness h) =>
        (await new InstallationStore(h.DatabasePath, TimeProvider.System).LoadAsync(CancellationToken.None))!.AccessToken;

    private static async Task<(HttpStatusCode Status, JsonObject Body)> HealthAsync(ServiceHarness h)
    {
        using var http = new HttpClient();
        using HttpResponseMessage response = await http.GetAsync(new Uri(h.EventsUrl, "/healthz"));
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject());
    }
}
