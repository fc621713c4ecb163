using System.Text.Json.Nodes;
using FsBitrix.AppMode;
using FsBitrix.Bitrix24;
using FsBitrix.Bitrix24.Auth;
using FsBitrix.Check;
using FsBitrix.Configuration;
using FsBitrix.Outbox;
using FsBitrix.Sandbox;
using FsBitrix.Sandbox.Faults;
using FsBitrix.Simulator;
using FsBitrix.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace FsBitrix.Tests;

/// <summary><c>fsbitrix check</c> against the FreeSWITCH simulator and the sandbox portal: each finding with its fix.</summary>
[CancelAfter(60_000)]
public class CheckTests
{
    [Test]
    public async Task A_working_installation_passes_every_check()
    {
        (int exit, string output) = await CheckAsync(o => { });

        Assert.That(exit, Is.Zero, output);
        Assert.That(output, Does.Contain("ok    logged in; FreeSWITCH Version"));
        Assert.That(output, Does.Contain("ok    user.get: 4 active employee(s), 3 with an extension"));
        Assert.That(output, Does.Contain("ok    telephony.externalcall.searchCrmEntities: allowed"));
        Assert.That(output, Does.Contain("Bitrix24 auth: webhook"));
        Assert.That(output, Does.Not.Contain("FAIL"));
        Assert.That(output, Does.Contain("ok    recordings are encoded to MP3 by /usr/bin/ffmpeg"));
    }

    [Test]
    public async Task On_a_shared_postgresql_check_says_the_schema_and_whether_an_instance_leads()
    {
        await using TestPostgres postgres = await TestPostgres.CreateAsync();
        void Shared(FsBitrixOptions o)
        {
            o.Storage.Provider = "postgres";
            o.Storage.ConnectionString = postgres.ConnectionString;
        }

        (int emptyExit, string empty) = await CheckAsync(Shared);
        await using (Npgsql.NpgsqlDataSource migrated = await FsBitrix.Storage.PostgresDatabase.OpenAsync(postgres.ConnectionString))
        {
        }

        (int nobodyExit, string nobody) = await CheckAsync(Shared);
        var leaderLock = new FsBitrix.Storage.LeaderLock(postgres.ConnectionString, TimeProvider.System,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<FsBitrix.Storage.LeaderLock>.Instance);
        await using (FsBitrix.Storage.LeaderTerm? term = await leaderLock.TryAcquireAsync())
        {
            (int leadExit, string lead) = await CheckAsync(Shared);
            Assert.Multiple(() =>
            {
                Assert.That((emptyExit, nobodyExit, leadExit), Is.EqualTo((0, 0, 0)), empty + nobody + lead);
                Assert.That(empty, Does.Contain("ok    reachable; no schema yet (the first instance to start creates it)"));
                Assert.That(nobody, Does.Contain($"ok    reachable; schema version {FsBitrix.Storage.PostgresMigrations.Latest}"));
                Assert.That(nobody, Does.Contain("warn  no instance leads now"));
                Assert.That(lead, Does.Contain($"ok    an instance leads (backend {term!.Backend}, from 127.0.0.1)"));
            });
        }

        (int wrongExit, string wrong) = await CheckAsync(o =>
        {
            Shared(o);
            o.Storage.ConnectionString = new Npgsql.NpgsqlConnectionStringBuilder(postgres.ConnectionString) { Password = "wrong", Username = "nobody" }.ConnectionString;
        });
        Assert.That(wrongExit, Is.Not.Zero);
        Assert.That(wrong, Does.Contain("FAIL  cannot be reached:"));
    }

    [Test]
    public async Task A_missing_mp3_encoder_is_a_warning_with_its_fix_not_a_failure()
    {
        (int exit, string output) = await CheckAsync(o => o.Recordings.Encoder = "/nonexistent/ffmpeg");

        Assert.That(exit, Is.Zero, output);
        Assert.That(output, Does.Contain("warn  recordings go as WAV, not MP3: the encoder '/nonexistent/ffmpeg' not found"));
        Assert.That(output, Does.Contain("fix: apt-get install ffmpeg"));
    }

    [Test]
    public async Task A_portal_refusing_telephony_through_the_webhook_is_told_in_plain_words_to_switch_to_app_mode()
    {
        (int exit, string output) = await CheckAsync(o => { }, (portal, _) =>
        {
            portal.Faults.Add(new SandboxFault(SandboxFaultKind.WrongAuthType));
            return Task.CompletedTask;
        });

        Assert.That(exit, Is.EqualTo(1));
        Assert.That(output, Does.Contain("FAIL  telephony.externalLine.get failed").And.Contain("WRONG_AUTH_TYPE"));
        Assert.That(output, Does.Contain("does not accept telephony calls through an incoming webhook any more. Switch to app mode"));
    }

    [Test]
    public async Task App_mode_before_the_install_fails_saying_how_to_install()
    {
        (int exit, string output) = await CheckAsync(o => { }, AppModeAsync);

        Assert.That(exit, Is.EqualTo(1));
        Assert.That(output, Does.Contain("Bitrix24 auth: app (local application"));
        Assert.That(output, Does.Contain("FAIL  the local application is not installed").And.Contain("/bitrix/install"));
    }

    [Test]
    public async Task App_mode_installed_and_bound_passes_with_the_app_token()
    {
        (int exit, string output) = await CheckAsync(o => { }, (portal, o) => InstalledAndBoundAsync(portal, o, OnlineHandler));

        Assert.That(exit, Is.Zero, output);
        Assert.That(output, Does.Contain("ok    app mode works: access token accepted, ONEXTERNALCALLSTART bound"));
        Assert.That(output, Does.Contain("ok    user.get: 4 active employee(s)"));
    }

    [Test]
    public async Task App_mode_with_clicks_bound_online_and_offline_warns_that_each_click_comes_twice()
    {
        (int exit, string output) = await CheckAsync(o => { }, (portal, o) => InstalledAndBoundAsync(portal, o, OnlineHandler, null));

        Assert.That(exit, Is.Zero, output);
        Assert.That(output, Does.Contain("warn  ONEXTERNALCALLSTART is bound both online and offline: Bitrix24 delivers every click twice (FsBitrix acts on it once)"));
    }

    [Test]
    public async Task App_mode_with_clicks_bound_only_offline_while_online_is_configured_fails_saying_to_restart()
    {
        (int exit, string output) = await CheckAsync(o => { }, (portal, o) => InstalledAndBoundAsync(portal, o, [null]));

        Assert.That(exit, Is.EqualTo(1));
        Assert.That(output, Does.Contain("FAIL  ONEXTERNALCALLSTART is bound offline, but FsBitrix:Bitrix:Events is online").And.Contain("restart the service"));
    }

    [Test]
    public async Task App_mode_whose_tokens_were_refused_fails_saying_to_reinstall()
    {
        (int exit, string output) = await CheckAsync(o => { }, async (portal, o) =>
        {
            await AppModeAsync(portal, o);
            OAuthGrant grant = await InstallAsync(portal, o);
            await new InstallationStore(o.Storage.Path, TimeProvider.System).SaveAsync(grant with { Refusal = "invalid_grant" }, CancellationToken.None);
        });

        Assert.That(exit, Is.EqualTo(1));
        Assert.That(output, Does.Contain("FAIL  Bitrix24 refused to renew the tokens").And.Contain("reinstall"));
    }

    [Test]
    public async Task App_mode_whose_stored_token_has_expired_warns_that_the_service_renews_it()
    {
        var later = new FakeTimeProvider(DateTimeOffset.UtcNow.AddHours(2));
        (int exit, string output) = await CheckAsync(o => { }, async (portal, o) =>
        {
            await AppModeAsync(portal, o);
            await InstallAsync(portal, o);
        }, later);

        Assert.That(exit, Is.Zero, output);
        Assert.That(output, Does.Contain("the stored access token expired at").And.Contain("the service renews it on its next call"));
    }

    private static Task AppModeAsync(SandboxPortal portal, FsBitrixOptions o)
    {
        o.Bitrix.Auth = "app";
        o.Bitrix.WebhookUrl = null;
        o.Bitrix.ClientId = portal.App.ClientId;
        o.Bitrix.ClientSecret = portal.App.ClientSecret;
        o.Bitrix.Domain = portal.BaseUrl.Authority;
        o.Storage.Path = Path.Combine(Path.GetTempPath(), "fsbitrix-tests", Guid.NewGuid().ToString("N"), "fsbitrix.db");
        return Task.CompletedTask;
    }

    private static readonly Uri OnlineHandler = new("http://127.0.0.1:9/bitrix/events");

    /// <summary>Installed, with ONEXTERNALCALLSTART bound once per handler (null: an offline row).</summary>
    private static async Task InstalledAndBoundAsync(SandboxPortal portal, FsBitrixOptions o, params Uri?[] handlers)
    {
        await AppModeAsync(portal, o);
        OAuthGrant grant = await InstallAsync(portal, o);
        using var client = new Bitrix24Client(new Bitrix24ClientOptions(), auth: new AccessTokenAuth(grant.ClientEndpoint, grant.AccessToken));
        foreach (Uri? handler in handlers)
        {
            await client.BindEventAsync("ONEXTERNALCALLSTART", handler);
        }
    }

    /// <summary>What the service's install endpoint leaves behind: the grant in the database.</summary>
    private static async Task<OAuthGrant> InstallAsync(SandboxPortal portal, FsBitrixOptions o)
    {
        using var http = new HttpClient();
        string code = portal.App.IssueAuthorizationCode();
        JsonObject pair = JsonNode.Parse(await http.GetStringAsync(new Uri(portal.App.TokenUrl,
            $"?grant_type=authorization_code&client_id={portal.App.ClientId}&client_secret={portal.App.ClientSecret}&code={code}")))!.AsObject();
        await (await SqliteOutboxStore.OpenAsync(o.Storage.Path, TimeProvider.System)).DisposeAsync();
        var grant = new OAuthGrant
        {
            AccessToken = pair["access_token"]!.GetValue<string>(),
            RefreshToken = pair["refresh_token"]!.GetValue<string>(),
            ExpiresAt = DateTimeOffset.UtcNow.AddHours(1),
            ClientEndpoint = portal.App.ClientEndpoint,
            MemberId = portal.Options.MemberId,
            Domain = portal.BaseUrl.Authority,
            ApplicationToken = portal.Options.ApplicationToken,
            Scope = pair["scope"]!.GetValue<string>(),
        };
        await new InstallationStore(o.Storage.Path, TimeProvider.System).SaveAsync(grant, CancellationToken.None);
        return grant;
    }

    [Test]
    public async Task A_wrong_event_socket_password_fails_with_the_fix()
    {
        (int exit, string output) = await CheckAsync(o => o.Esl.Password = "wrong");

        Assert.That(exit, Is.EqualTo(1));
        Assert.That(output, Does.Contain("FAIL  cannot log in"));
        Assert.That(output, Does.Contain("set FsBitrix:Esl:Password to the password in event_socket.conf.xml"));
        Assert.That(output, Does.Not.Contain("wrong"), "the password itself is never printed");
    }

    [Test]
    public async Task A_wrong_webhook_code_fails_with_the_fix_and_the_code_is_masked()
    {
        (int exit, string output) = await CheckAsync(o => o.Bitrix.WebhookUrl = o.Bitrix.WebhookUrl!.Replace("/rest/1/", "/rest/1/x", StringComparison.Ordinal));

        Assert.That(exit, Is.EqualTo(1));
        Assert.That(output, Does.Contain("FAIL  user.get failed"));
        Assert.That(output, Does.Contain("the webhook code is wrong, expired or deleted"));
        Assert.That(output, Does.Contain("/rest/1/***/"));
    }

    [Test]
    public async Task Missing_settings_are_listed_one_by_one()
    {
        (int exit, string output) = await CheckAsync(o =>
        {
            o.Bitrix.WebhookUrl = null;
            o.Recordings.Mode = "ftp";
        });

        Assert.That(exit, Is.EqualTo(1));
        Assert.That(output, Does.Contain("FAIL  FsBitrix:Bitrix:WebhookUrl is not set"));
        Assert.That(output, Does.Contain("FAIL  FsBitrix:Recordings:Mode is 'ftp'"));
    }

    [Test]
    public async Task Each_company_is_checked_against_its_own_portal_with_its_own_extensions()
    {
        await using SandboxPortal b = await SandboxPortal.StartAsync(new SandboxOptions { RateLimit = SandboxRateLimit.None, Domain = "b.bitrix24.test" });

        (int exit, string output) = await CheckAsync(o =>
        {
            o.Tenants.Add(new FsBitrix.Tenants.TenantSettings { Domain = "b.example", WebhookUrl = b.WebhookUrl.ToString() });
        }, directory: ["1001@lab.example", "1002@lab.example", "1001@b.example", "1007@b.example"]);

        Assert.That(exit, Is.Zero, output);
        string[] sections = output.Split("Bitrix24 portal of b.example");
        Assert.That(sections, Has.Length.EqualTo(2), output);
        Assert.That(output, Does.Contain("4 extension(s) in the directory: 1001@b.example, 1007@b.example, 1001@lab.example, 1002@lab.example"));
        Assert.That(sections[0], Does.Contain("(the default portal: calls of other domains)").And.Not.Contain("extension 1007"));
        Assert.That(sections[1], Does.Contain("ok    user.get: 4 active employee(s)"));
        Assert.That(sections[1], Does.Contain("warn  extension 1007 has no Bitrix24 user"));
    }

    [Test]
    public async Task A_companys_local_application_is_checked_on_its_own_portal_and_its_missing_install_said_with_the_fix()
    {
        await using SandboxPortal b = await SandboxPortal.StartAsync(new SandboxOptions { RateLimit = SandboxRateLimit.None, Domain = "b.bitrix24.test" });

        (int exit, string output) = await CheckAsync(o => o.Tenants.Add(new FsBitrix.Tenants.TenantSettings
        {
            Domain = "b.example",
            Auth = "app",
            PortalDomain = b.BaseUrl.Authority,
            ClientId = b.App.ClientId,
            ClientSecret = b.App.ClientSecret,
        }), directory: ["1001@lab.example", "1001@b.example"]);

        Assert.That(exit, Is.EqualTo(1), output);
        string[] sections = output.Split("Bitrix24 portal of b.example: auth: app (local application " + b.App.ClientId);
        Assert.That(sections, Has.Length.EqualTo(2), output);
        Assert.That(sections[0], Does.Contain("ok    user.get"), "the default portal's webhook passes");
        Assert.That(sections[1], Does.Contain("FAIL  the local application is not installed").And.Contain("/bitrix/install"));
    }

    private static async Task<(int Exit, string Output)> CheckAsync(Action<FsBitrixOptions> change, Func<SandboxPortal, FsBitrixOptions, Task>? arrange = null,
        TimeProvider? time = null, IReadOnlyList<string>? directory = null)
    {
        await using SandboxPortal portal = await SandboxPortal.StartAsync(new SandboxOptions { RateLimit = SandboxRateLimit.None });
        await using var simulator = new FreeSwitchSimulator(new SimulatorOptions { Port = 0, DirectoryUsers = directory ?? [] });
        await simulator.StartAsync();
        var options = new FsBitrixOptions();
        options.Esl.Port = simulator.Port;
        options.Bitrix.WebhookUrl = portal.WebhookUrl.ToString();
        change(options);
        if (arrange is not null)
        {
            await arrange(portal, options);
        }

        using var output = new StringWriter();
        int exit = await new InstallationCheck(options, new CheckReport(output), time).RunAsync(CancellationToken.None);
        return (exit, output.ToString());
    }
}
