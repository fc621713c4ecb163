using System.Net;
using FsBitrix.AppMode;
using FsBitrix.Bitrix24.Auth;
using FsBitrix.Sandbox;
using FsBitrix.Sandbox.Events;
using FsBitrix.Sandbox.State;
using FsBitrix.Tenants;
using FsBitrix.Tests.Support;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Click = FsBitrix.Sandbox.Events.ClickToCall;

namespace FsBitrix.Tests.Tenants;

/// <summary>
/// A company connected as a local application (<c>FsBitrix:Tenants:N:Auth=app</c>) beside the default portal: its
/// install comes to the one install address and is told apart by the portal it names, its tokens are its own row,
/// its calls wait for its install and then go with its tokens, and its clicks are its own.
/// </summary>
[CancelAfter(60_000)]
public class TenantAppModeTests
{
    private const int BsUser1001 = 4;
    private static readonly TimeSpan Patience = ServiceHarness.Patience;

    [Test]
    public async Task A_companys_app_installs_on_its_own_portal_and_its_call_waits_for_the_install_then_lands_there()
    {
        await using SandboxPortal b = await StartPortalAsync();
        await using ServiceHarness h = await StartAsync(b);

        // b.example's call comes before its app is installed: it waits, nothing is lost and nothing goes elsewhere.
        await h.PlayAsync("s25_second_tenant.raw");
        FsBitrix.Outbox.IOutboxStore outbox = h.Service!.Services.GetRequiredService<FsBitrix.Outbox.IOutboxStore>();
        FsBitrix.Calls.CallTracker tracker = h.Service.Services.GetRequiredService<FsBitrix.Calls.CallTracker>();
        await h.WaitUntilAsync(async () =>
        {
            await tracker.FlushAsync();
            return tracker.ActiveCalls == 0 && await outbox.PendingCountAsync("b.example") >= 2;
        });
        Assert.That(b.State.Requests.Where(r => r.Method.StartsWith("telephony.", StringComparison.OrdinalIgnoreCase)), Is.Empty);

        (HttpStatusCode waiting, System.Text.Json.Nodes.JsonObject before) = await HealthAsync(h);
        Assert.That(waiting, Is.EqualTo(HttpStatusCode.ServiceUnavailable), "a company's calls cannot go: degraded");
        Assert.That(before["tenants"]![0]!["app"]!["state"]!.GetValue<string>(), Is.EqualTo(nameof(AppAuthStatus.NotInstalled)));

        SentEvent install = await b.App.InstallAsync(h.InstallUrl);
        Assert.That(install.HandlerStatus, Is.EqualTo(200));
        (HttpStatusCode installed, System.Text.Json.Nodes.JsonObject after) = await HealthAsync(h);
        Assert.That(installed, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(after["tenants"]![0]!["app"]!["state"]!.GetValue<string>(), Is.EqualTo(nameof(AppAuthStatus.Ready)));
        await b.WaitForAsync(s => s.FinishedCalls.Count == 1, Patience);
        SandboxFinishedCall call = b.State.FinishedCalls.Single();
        await h.SettledAsync();

        OAuthGrant stored = (await new InstallationStore(h.DatabasePath, TimeProvider.System, "b.example").LoadAsync(CancellationToken.None))!;
        Assert.Multiple(() =>
        {
            Assert.That(stored.MemberId, Is.EqualTo(b.Options.MemberId), "b.example's installation is its own row");
            Assert.That((call.UserId, call.StatusCode), Is.EqualTo((BsUser1001, "200")));
            Assert.That(b.State.RequestCount("telephony.externalcall.register"), Is.EqualTo(1));
            Assert.That(b.App.Bindings.All.Select(x => (x.Event, x.Handler)), Is.EquivalentTo(new[]
            {
                ("ONEXTERNALCALLSTART", (string?)h.EventsUrl.AbsoluteUri), ("ONEXTERNALCALLBACKSTART", (string?)h.EventsUrl.AbsoluteUri),
            }));
            Assert.That(h.Portal.State.Requests.Where(r => r.Method.StartsWith("telephony.", StringComparison.OrdinalIgnoreCase)), Is.Empty,
                "nothing reaches the default portal");
        });
        Assert.That(await new InstallationStore(h.DatabasePath, TimeProvider.System).LoadAsync(CancellationToken.None), Is.Null,
            "the default portal (a webhook) has no installation");
    }

    [Test]
    public async Task Two_portals_each_with_its_app_keep_their_own_tokens_and_calls()
    {
        await using SandboxPortal b = await StartPortalAsync();
        await using ServiceHarness h = await StartAsync(b, defaultApp: true);
        Assert.That((await h.Portal.App.InstallAsync(h.InstallUrl)).HandlerStatus, Is.EqualTo(200));
        Assert.That((await b.App.InstallAsync(h.InstallUrl)).HandlerStatus, Is.EqualTo(200));

        await h.PlayAsync("s25_second_tenant.raw");
        await h.PlayAsync("s21_ivr_then_agent.raw");
        await b.WaitForAsync(s => s.FinishedCalls.Count == 1, Patience);
        await h.Portal.WaitForAsync(s => s.FinishedCalls.Count == 1, Patience);
        await h.SettledAsync();

        OAuthGrant defaults = (await new InstallationStore(h.DatabasePath, TimeProvider.System).LoadAsync(CancellationToken.None))!;
        OAuthGrant bs = (await new InstallationStore(h.DatabasePath, TimeProvider.System, "b.example").LoadAsync(CancellationToken.None))!;
        Assert.Multiple(() =>
        {
            Assert.That(defaults.MemberId, Is.EqualTo(h.Portal.Options.MemberId));
            Assert.That(bs.MemberId, Is.EqualTo(b.Options.MemberId));
            Assert.That(b.State.FinishedCalls.Single().UserId, Is.EqualTo(BsUser1001));
            Assert.That(h.Portal.State.FinishedCalls.Single().UserId, Is.EqualTo(2), "the default portal's 1001");
            Assert.That(b.State.RequestCount("telephony.externalcall.register"), Is.EqualTo(1));
            Assert.That(h.Portal.State.RequestCount("telephony.externalcall.register"), Is.EqualTo(1));
        });
    }

    [Test]
    public async Task A_click_in_the_companys_app_rings_its_domain_and_another_portals_token_starts_nothing()
    {
        await using SandboxPortal b = await StartPortalAsync();
        await using ServiceHarness h = await StartAsync(b);
        await b.App.InstallAsync(h.InstallUrl);

        SentEvent sent = (await b.App.ClickToCallAsync(new Click(2, "+79161234567"))).Single();
        BgapiCommand originate = await h.FreeSwitch.NextBgapiAsync(Patience);
        Assert.That(sent.HandlerStatus, Is.EqualTo(200));
        Assert.That(originate.Command, Does.Contain("}user/1001@b.example &bridge("));
        Assert.That(originate.Variable("domain_name"), Is.EqualTo("b.example"));

        // The same click with a token no installation and no webhook issued is nobody's: refused, nothing dialled.
        HttpStatusCode forged = await AppModeInstallTests.PostAsync(h.EventsUrl,
            AppModeInstallTests.Replace(sent, "auth[application_token]", "not-a-token").Select(f => f.Key == "data[CALL_ID]" ? new(f.Key, f.Value + "-2") : f));
        Assert.That(forged, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(h.FreeSwitch.Bgapis, Has.Count.EqualTo(1), "only the genuine click was dialled");

        await h.FreeSwitch.SendAsync(ClickToCallScript.Frames("s12_click_to_call.raw", originate, h.FreeSwitch.RecordingsFolder,
            body => body.Replace("\nUnique-ID: ", "\nvariable_domain_name: b.example\nUnique-ID: ", StringComparison.Ordinal)));
        SandboxFinishedCall call = await b.WaitForFinishAsync(sent.CallId!, Patience);
        Assert.That(call.StatusCode, Is.EqualTo("200"));
        Assert.That(h.Portal.State.RequestCount("telephony.externalcall.finish"), Is.Zero);
    }

    [Test]
    public async Task A_companys_offline_clicks_are_polled_from_its_portal_and_dialled_in_its_domain()
    {
        await using SandboxPortal b = await StartPortalAsync();
        await using ServiceHarness h = await StartAsync(b, configure: t => t.Events = "offline",
            shared: o => o.Bitrix.OfflinePollInterval = TimeSpan.FromMilliseconds(200));
        await b.App.InstallAsync(h.InstallUrl);

        IReadOnlyList<SentEvent> posted = await b.App.ClickToCallAsync(new Click(2, "+79161234567"));
        BgapiCommand originate = await h.FreeSwitch.NextBgapiAsync(Patience);

        Assert.Multiple(() =>
        {
            Assert.That(posted, Is.Empty, "queued in the portal, not posted");
            Assert.That(b.App.Bindings.All.All(x => x.Offline), Is.True);
            Assert.That(originate.Command, Does.Contain("}user/1001@b.example &bridge("));
        });
    }

    [Test]
    public async Task An_install_naming_a_portal_no_company_has_is_refused_and_nothing_is_stored()
    {
        await using SandboxPortal b = await StartPortalAsync();
        await using SandboxPortal stranger = await SandboxPortal.StartAsync(new SandboxOptions { RateLimit = SandboxRateLimit.None, Domain = "x.bitrix24.test" });
        await using ServiceHarness h = await StartAsync(b);

        SentEvent refused = await stranger.App.InstallAsync(h.InstallUrl);

        Assert.That(refused.HandlerStatus, Is.EqualTo(403));
        Assert.That(await new InstallationStore(h.DatabasePath, TimeProvider.System, "b.example").LoadAsync(CancellationToken.None), Is.Null);
        Assert.That(await new InstallationStore(h.DatabasePath, TimeProvider.System).LoadAsync(CancellationToken.None), Is.Null);
    }

    [Test]
    public async Task The_installation_a_previous_version_kept_becomes_the_default_portals()
    {
        string path = Path.Combine(Path.GetTempPath(), $"fsbitrix-install-{Guid.NewGuid():N}.db");
        try
        {
            using (var db = new SqliteConnection($"Data Source={path};Pooling=False"))
            {
                db.Open();
                using SqliteCommand old = db.CreateCommand();
                old.CommandText = """
                    CREATE TABLE app_installation (id INTEGER PRIMARY KEY CHECK (id = 1), member_id TEXT NOT NULL, domain TEXT NOT NULL,
                        client_endpoint TEXT NOT NULL, server_endpoint TEXT, application_token TEXT NOT NULL, access_token TEXT NOT NULL,
                        refresh_token TEXT NOT NULL, expires_at INTEGER NOT NULL, scope TEXT NOT NULL, user_id INTEGER, refusal TEXT,
                        saved_at INTEGER NOT NULL);
                    CREATE TABLE app_events_url (id INTEGER PRIMARY KEY CHECK (id = 1), url TEXT NOT NULL);
                    INSERT INTO app_installation VALUES (1, 'm1', 'a.bitrix24.test', 'https://a.bitrix24.test/rest/', NULL, 'app1', 'acc1', 'ref1',
                        1700000000000, 'telephony,crm,user', 1, NULL, 1700000000000);
                    INSERT INTO app_events_url VALUES (1, 'https://pbx.example.com/bitrix/events');
                    """;
                old.ExecuteNonQuery();
            }

            using var store = new InstallationStore(path, TimeProvider.System);
            OAuthGrant grant = (await store.LoadAsync(CancellationToken.None))!;
            using var companys = new InstallationStore(path, TimeProvider.System, "b.example");

            Assert.Multiple(async () =>
            {
                Assert.That((grant.MemberId, grant.AccessToken, grant.RefreshToken, grant.ApplicationToken), Is.EqualTo(("m1", "acc1", "ref1", "app1")));
                Assert.That(await store.LoadEventsUrlAsync(CancellationToken.None), Is.EqualTo(new Uri("https://pbx.example.com/bitrix/events")));
                Assert.That(await companys.LoadAsync(CancellationToken.None), Is.Null, "no company inherits it");
            });
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            File.Delete(path);
        }
    }

    private static async Task<(HttpStatusCode Status, System.Text.Json.Nodes.JsonObject Body)> HealthAsync(ServiceHarness h)
    {
        using var http = new HttpClient();
        using HttpResponseMessage response = await http.GetAsync(new Uri(h.EventsUrl, "/healthz"));
        return (response.StatusCode, System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject());
    }

    private static Task<SandboxPortal> StartPortalAsync() =>
        SandboxPortal.StartAsync(new SandboxOptions { RateLimit = SandboxRateLimit.None, Domain = "b.bitrix24.test" });

    private static Task<ServiceHarness> StartAsync(SandboxPortal b, bool defaultApp = false, Action<TenantSettings>? configure = null,
        Action<Configuration.FsBitrixOptions>? shared = null) =>
        ServiceHarness.StartAsync(o =>
        {
            var tenant = new TenantSettings
            {
                Domain = "b.example",
                Auth = "app",
                PortalDomain = b.BaseUrl.Authority,
                ClientId = b.App.ClientId,
                ClientSecret = b.App.ClientSecret,
                OAuthUrl = b.App.TokenUrl.AbsoluteUri,
                RateLimitPerSecond = 0,
                Users = { ["1001"] = BsUser1001 },
            };
            configure?.Invoke(tenant);
            o.Tenants.Add(tenant);
            shared?.Invoke(o);
        }, appMode: defaultApp);
}
