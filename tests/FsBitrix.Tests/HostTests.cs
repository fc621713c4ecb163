using System.Net;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using System.Text.Json;
using FsBitrix.Calls;
using FsBitrix.Configuration;
using FsBitrix.Esl.Inbound;
using FsBitrix.Hosting;
using FsBitrix.Tests.Support;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace FsBitrix.Tests;

[CancelAfter(60_000)]
public class HostTests
{
    [Test]
    public void The_service_s_runtime_config_keeps_idle_pool_threads_from_spinning()
    {
        // The deployed service runs with its own runtimeconfig; docs/BENCHMARKS.md (session 4) has why and the figures.
        string path = Path.Combine(AppContext.BaseDirectory, "fsbitrix.runtimeconfig.json");
        using JsonDocument config = JsonDocument.Parse(File.ReadAllText(path));
        JsonElement properties = config.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties");

        Assert.That(properties.GetProperty("System.Threading.ThreadPool.UnfairSemaphoreSpinLimit").GetInt32(), Is.Zero);
    }

    [Test]
    public async Task Each_feature_gets_its_own_section_bound_from_configuration_with_the_last_word_on_top_and_never_the_whole()
    {
        string database = Path.Combine(Path.GetTempPath(), $"fsbitrix-options-{Guid.NewGuid():N}.db");
        await using Microsoft.AspNetCore.Builder.WebApplication app = await FsBitrixApp.CreateAsync(
            ["--FsBitrix:Esl:Port=18021", "--FsBitrix:Recordings:Mode=url", "--FsBitrix:Recordings:PublicUrl=https://pbx.example.com/",
             $"--FsBitrix:Storage:Path={database}", "--FsBitrix:Http:Urls=http://127.0.0.1:0",
             "--FsBitrix:Tenants:0:Domain=b.example", "--FsBitrix:Tenants:0:WebhookUrl=https://b.bitrix24.com/rest/1/b/"],
            o =>
            {
                o.Bitrix.WebhookUrl = "https://portal.bitrix24.com/rest/1/abc/";
                o.Users["1001"] = 7;
                o.Esl.Host = "127.0.0.2";

                // An override may read what the configuration holds, whichever section is being bound.
                o.Tenants[0].DefaultUserId = o.Users.Count + 2;
            });

        Assert.Multiple(() =>
        {
            Assert.That(app.Services.GetService<FsBitrixOptions>(), Is.Null, "no part can take the whole configuration");
            EslSettings esl = app.Services.GetRequiredService<EslSettings>();
            Assert.That((esl.Host, esl.Port), Is.EqualTo(("127.0.0.2", 18021)), "configuration, then the last word");
            Assert.That(app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<EslSettings>>().Value, Is.SameAs(esl));
            Assert.That(app.Services.GetRequiredService<RecordingSettings>().PublicUrl, Is.EqualTo("https://pbx.example.com/"));
            Assert.That(app.Services.GetRequiredService<UsersSettings>()["1001"], Is.EqualTo(7));
            Assert.That(app.Services.GetRequiredService<FsBitrix.Tenants.TenantsSettings>().Single().DefaultUserId, Is.EqualTo(3));
            Assert.That(app.Services.GetRequiredService<BitrixSettings>().WebhookUrl, Is.EqualTo("https://portal.bitrix24.com/rest/1/abc/"));
        });
        await app.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (string file in Directory.GetFiles(Path.GetDirectoryName(database)!, Path.GetFileName(database) + "*"))
        {
            File.Delete(file);
        }
    }

    [Test]
    public void Every_sections_problems_are_said_together_before_anything_is_opened()
    {
        var ex = Assert.ThrowsAsync<ConfigurationProblemException>(() => FsBitrixApp.CreateAsync(
            ["--FsBitrix:Esl:Port=0", "--FsBitrix:Recordings:Mode=ftp", "--FsBitrix:Cdr:GapWait=00:00:00", "--FsBitrix:OwnerLookup:Patience=00:01:00"],
            o => o.Bitrix.WebhookUrl = null));

        Assert.That(ex!.Problems.Select(p => p.Split(' ')[0]), Is.EquivalentTo(new[]
        {
            "FsBitrix:Bitrix:WebhookUrl", "FsBitrix:Esl:Host", "FsBitrix:Recordings:Mode", "FsBitrix:Cdr:GapWait", "FsBitrix:OwnerLookup:Patience",
        }));
    }

    [Test]
    public void Without_a_webhook_the_service_refuses_to_start_and_says_what_to_set()
    {
        var ex = Assert.ThrowsAsync<ConfigurationProblemException>(() => FsBitrixApp.CreateAsync([], o => o.Bitrix.WebhookUrl = null));

        Assert.That(ex!.Message, Does.Contain("FsBitrix:Bitrix:WebhookUrl is not set"));
    }

    [TestCase("https://portal.bitrix24.com/", "does not look like")]
    [TestCase("not a url", "does not look like")]
    public void A_malformed_webhook_is_refused(string url, string message)
    {
        var ex = Assert.ThrowsAsync<ConfigurationProblemException>(() => FsBitrixApp.CreateAsync([], o => o.Bitrix.WebhookUrl = url));

        Assert.That(ex!.Message, Does.Contain(message));
    }

    [Test]
    public void A_retention_that_is_not_positive_is_refused()
    {
        var ex = Assert.ThrowsAsync<ConfigurationProblemException>(() => FsBitrixApp.CreateAsync(["--FsBitrix:Storage:KeepDeliveredFor=00:00:00"],
            o => o.Bitrix.WebhookUrl = "https://portal.bitrix24.com/rest/1/abc/"));

        Assert.That(ex!.Message, Does.Contain("FsBitrix:Storage:KeepDeliveredFor"));
    }

    [TestCase("--FsBitrix:Storage:Provider=mysql", "FsBitrix:Storage:Provider is 'mysql': it must be sqlite (one box, the default) or postgres (several instances)")]
    [TestCase("--FsBitrix:Storage:Provider=postgres", "FsBitrix:Storage:Provider is postgres but FsBitrix:Storage:ConnectionString is not set")]
    [TestCase("--FsBitrix:Storage:ConnectionString=Host=db;Passwrd=secret-value", "FsBitrix:Storage:ConnectionString cannot be read:")]
    public void A_storage_that_cannot_work_is_refused_before_anything_is_opened(string setting, string problem)
    {
        string[] args = setting.Contains("ConnectionString", StringComparison.Ordinal) ? [setting, "--FsBitrix:Storage:Provider=postgres"] : [setting];
        var ex = Assert.ThrowsAsync<ConfigurationProblemException>(() => FsBitrixApp.CreateAsync(args,
            o => o.Bitrix.WebhookUrl = "https://portal.bitrix24.com/rest/1/abc/"));

        Assert.That(ex!.Message, Does.Contain(problem));
        Assert.That(ex.Message, Does.Not.Contain("secret-value"), "a connection string's values never reach the message");
    }

    [Test]
    public void App_mode_intervals_that_are_not_positive_are_refused()
    {
        var ex = Assert.ThrowsAsync<ConfigurationProblemException>(() => FsBitrixApp.CreateAsync(
            ["--FsBitrix:Bitrix:BindingsCheckInterval=00:00:00", "--FsBitrix:Bitrix:OfflinePollInterval=-00:00:01"],
            o => o.Bitrix.Auth = "app"));

        Assert.That(ex!.Message, Does.Contain("FsBitrix:Bitrix:BindingsCheckInterval").And.Contain("FsBitrix:Bitrix:OfflinePollInterval"));
    }

    [Test]
    public void Url_mode_without_a_public_address_is_refused()
    {
        var ex = Assert.ThrowsAsync<ConfigurationProblemException>(() => FsBitrixApp.CreateAsync([], o =>
        {
            o.Bitrix.WebhookUrl = "https://portal.bitrix24.com/rest/1/abc/";
            o.Recordings.Mode = "url";
        }));

        Assert.That(ex!.Message, Does.Contain("Recordings:PublicUrl"));
    }

    [Test]
    public async Task Healthz_reports_the_socket_the_outbox_and_Bitrix24_and_turns_503_when_FreeSWITCH_is_gone()
    {
        await using ServiceHarness h = await ServiceHarness.StartAsync();
        await h.PlayAsync("s1_inbound_answered.raw");
        await h.Portal.WaitForAsync(s => s.FinishedCalls.Count == 1 && s.FinishedCalls[0].Recording is not null, ServiceHarness.Patience);
        using var http = new HttpClient { BaseAddress = new Uri(ServiceAddress(h)) };

        using JsonDocument healthy = JsonDocument.Parse(await http.GetStringAsync(new Uri("/healthz", UriKind.Relative)));
        EslInboundClient esl = h.Service!.Services.GetRequiredService<EslInboundClient>();
        Task lost = esl.ConnectionStates.FirstAsync(s => !s.IsConnected).ToTask();
        await h.FreeSwitch.DisposeAsync();
        await lost.WaitAsync(ServiceHarness.Patience);
        HttpResponseMessage degraded = await http.GetAsync(new Uri("/healthz", UriKind.Relative));

        Assert.That(healthy.RootElement.GetProperty("status").GetString(), Is.EqualTo("ok"));
        Assert.That(healthy.RootElement.GetProperty("esl").GetProperty("connected").GetBoolean(), Is.True);
        // Register, finish, recording: replayed this fast, the call is over before its card could go, so none is shown.
        Assert.That(healthy.RootElement.GetProperty("outbox").GetProperty("delivered").GetInt64(), Is.EqualTo(3));
        Assert.That(healthy.RootElement.GetProperty("outbox").GetProperty("pending").GetInt64(), Is.Zero);
        Assert.That(healthy.RootElement.GetProperty("bitrix24").GetProperty("lastSuccess").ValueKind, Is.EqualTo(JsonValueKind.String));
        Assert.That(degraded.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
        Assert.That(await degraded.Content.ReadAsStringAsync(), Does.Contain("\"degraded\""));
    }

    [Test]
    public async Task Healthz_says_when_the_portal_s_request_limit_holds_commands_back_by_lane_and_age()
    {
        // A portal that allows one request every ten seconds, its bucket already full: every command of the call waits.
        await using ServiceHarness h = await ServiceHarness.StartAsync(o => { o.Bitrix.RateLimitPerSecond = 0.1; o.Bitrix.RateLimitBurst = 2; },
            portalOptions: p => p.RateLimit = Sandbox.SandboxRateLimit.None);
        using var http = new HttpClient { BaseAddress = new Uri(ServiceAddress(h)) };
        Bitrix24.RateLimiting.LeakyBucketLimiter limiter = h.Service!.Services.GetRequiredService<Bitrix24.Bitrix24Client>().Limiter;
        while (limiter.Headroom > 0)
        {
            await limiter.WaitAsync();
        }

        await h.PlayAsync("s1_inbound_answered.raw");
        CallTracker tracker = h.Service.Services.GetRequiredService<CallTracker>();
        FsBitrix.Outbox.IOutboxStore store = h.Service.Services.GetRequiredService<FsBitrix.Outbox.IOutboxStore>();
        // Begun (its register waits) and over (its finish waits too).
        await h.WaitUntilAsync(async () =>
        {
            await tracker.FlushAsync();
            return tracker.ActiveCalls == 0 && await store.PendingCountAsync() > 0;
        });

        // The call is over; its commands wait for the next request the portal allows (ten seconds away).
        using JsonDocument health = JsonDocument.Parse(await http.GetStringAsync(new Uri("/healthz", UriKind.Relative)));
        JsonElement outbox = health.RootElement.GetProperty("outbox");

        Assert.That(outbox.GetProperty("portalLimit").GetProperty("requestBudgetShort").GetBoolean(), Is.True);
        Assert.That(outbox.GetProperty("portalLimit").GetProperty("bottleneck").GetBoolean(), Is.True);
        JsonElement finish = outbox.GetProperty("lanes").GetProperty("finish");
        Assert.That(finish.GetProperty("waiting").GetInt64(), Is.EqualTo(1));
        Assert.That(finish.GetProperty("oldestSeconds").GetDouble(), Is.GreaterThanOrEqualTo(0));
        Assert.That(outbox.GetProperty("lanes").GetProperty("ringing").GetProperty("waiting").GetInt64(), Is.GreaterThanOrEqualTo(1), "the register waits too");
    }

    private static string ServiceAddress(ServiceHarness h) =>
        h.Service!.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
}
