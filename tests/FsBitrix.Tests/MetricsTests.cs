using System.Diagnostics;
using FsBitrix.Esl.Inbound;
using FsBitrix.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace FsBitrix.Tests;

/// <summary>
/// <c>GET /metrics</c> scraped during and after a real call (the s2 ring group): Prometheus's text format, every metric
/// of the dashboard present, and figures that agree with what the sandbox portal saw.
/// </summary>
[CancelAfter(60_000)]
public class MetricsTests
{
    private static readonly string[] Families =
    [
        "fsbitrix_esl_connected", "fsbitrix_esl_connections_total", "fsbitrix_esl_reconnects_total", "fsbitrix_esl_events_total",
        "fsbitrix_esl_backpressure_waits_total", "fsbitrix_calls_active", "fsbitrix_leader", "fsbitrix_outbox_commands",
        "fsbitrix_outbox_oldest_command_age_seconds", "fsbitrix_outbox_rate_limit_waits_total", "fsbitrix_outbox_rate_limit_wait_seconds_total",
        "fsbitrix_commands_total", "fsbitrix_card_latency_seconds", "fsbitrix_recordings_total", "fsbitrix_bitrix24_requests_total",
        "fsbitrix_bitrix24_request_duration_seconds", "fsbitrix_bitrix24_rate_limit_waits_total", "fsbitrix_bitrix24_rate_limit_wait_seconds_total",
    ];

    [Test]
    public async Task A_scrape_during_and_after_a_ring_group_call_agrees_with_the_portal()
    {
        await using ServiceHarness h = await ServiceHarness.StartAsync();
        using var http = new HttpClient { BaseAddress = h.ServiceUrl };
        (List<byte[]> ringing, List<byte[]> answered) = Queues.Inbound.Split((await h.PrepareAsync("s2_ring_all.raw")).Frames, "CHANNEL_ANSWER");
        await h.FreeSwitch.SendAsync(ringing);
        await h.Portal.WaitForAsync(s => s.CardsByUser.Count == 2, ServiceHarness.Patience);

        string duringText = await ScrapeAsync(http);
        await h.FreeSwitch.SendAsync(answered);
        await h.Portal.WaitForAsync(s => s.FinishedCalls.Count == 1 && s.FinishedCalls[0].Recording is not null, ServiceHarness.Patience);
        await h.SettledAsync();
        string afterText = await ScrapeAsync(http);

        PrometheusText during = PrometheusText.Parse(duringText);
        PrometheusText after = PrometheusText.Parse(afterText);
        Assert.That(Families.Where(f => !after.Types.ContainsKey(f)), Is.Empty, "every metric of the dashboard is served");
        Assert.That(after.Samples.Where(s => !Families.Contains(s.Family)).Select(s => s.Name).Distinct(), Is.Empty, "nothing unlisted");

        string node = $"127.0.0.1:{h.FreeSwitch.Port}";
        EslInboundClient esl = h.Service!.Services.GetRequiredService<EslInboundClient>();
        Assert.That(during.Value("fsbitrix_calls_active"), Is.EqualTo(1), "the call, while its phones ring");
        Assert.That(after.Value("fsbitrix_calls_active"), Is.Zero);
        Assert.That(after.Value("fsbitrix_leader"), Is.EqualTo(1), "one box always leads");
        Assert.That(after.Value("fsbitrix_esl_connected", ("node", node)), Is.EqualTo(1));
        Assert.That(after.Value("fsbitrix_esl_connections_total", ("node", node)), Is.EqualTo(1));
        Assert.That(after.Value("fsbitrix_esl_reconnects_total", ("node", node)), Is.Zero);
        Assert.That(after.Value("fsbitrix_esl_events_total", ("node", node)), Is.EqualTo(esl.Statistics.EventsDelivered).And.GreaterThan(10));

        // The portal's own count: one register, one show for both phones, one hide, the finish, the recording.
        Assert.That(after.Value("fsbitrix_commands_total", ("command", "RegisterCall"), ("outcome", "delivered")),
            Is.EqualTo(h.Portal.State.RequestCount("telephony.externalcall.register")).And.EqualTo(1));
        Assert.That(after.Value("fsbitrix_commands_total", ("command", "FinishCall"), ("outcome", "delivered")),
            Is.EqualTo(h.Portal.State.RequestCount("telephony.externalcall.finish")).And.EqualTo(1));
        Assert.That(after.Sum("fsbitrix_bitrix24_requests_total"), Is.EqualTo(h.Portal.State.HttpRequestCount),
            "every HTTP request the portal received, counted once (a batch is one)");
        Assert.That(after.Sum("fsbitrix_bitrix24_requests_total", ("outcome", "ok")), Is.EqualTo(after.Sum("fsbitrix_bitrix24_requests_total")));
        Assert.That(after.Sum("fsbitrix_bitrix24_request_duration_seconds_count"), Is.EqualTo(after.Sum("fsbitrix_bitrix24_requests_total")));
        Assert.That(after.Sum("fsbitrix_bitrix24_request_duration_seconds_sum"), Is.GreaterThan(0));

        // One card per ringing phone (both went in one request): each rep's wait is measured.
        double cards = after.Value("fsbitrix_card_latency_seconds_count", ("portal", "default"));
        Assert.That(cards, Is.EqualTo(after.Value("fsbitrix_commands_total", ("command", "ShowCard"), ("outcome", "delivered"))).And.EqualTo(2));
        double cardSeconds = after.Value("fsbitrix_card_latency_seconds_sum", ("portal", "default"));
        Assert.That(cardSeconds, Is.GreaterThan(0).And.LessThan(ServiceHarness.Patience.TotalSeconds));
        Assert.That(after.Value("fsbitrix_card_latency_seconds_bucket", ("portal", "default"), ("le", "+Inf")), Is.EqualTo(2));
        Assert.That(after.Value("fsbitrix_recordings_total", ("portal", "default"), ("outcome", "attached")), Is.EqualTo(1));
        Assert.That(after.Value("fsbitrix_recordings_total", ("portal", "default"), ("outcome", "failed")), Is.Zero);

        Assert.That(after.Find("fsbitrix_outbox_commands").Select(s => s.Labels["lane"]), Is.EquivalentTo(new[] { "ringing", "hide", "finish", "recording" }));
        Assert.That(after.Sum("fsbitrix_outbox_commands"), Is.Zero, "nothing waits once settled");
        Assert.That(after.Sum("fsbitrix_outbox_oldest_command_age_seconds"), Is.Zero);

        Assert.That(Promtool(afterText), Is.Empty, "promtool check metrics: the naming conventions hold");
    }

    [Test]
    public async Task A_command_waiting_for_the_portal_shows_in_its_lane_with_its_age()
    {
        await using ServiceHarness h = await ServiceHarness.StartAsync();
        using var http = new HttpClient { BaseAddress = h.ServiceUrl };
        h.Portal.Faults.StartOutage();

        await h.PlayAsync("s1_inbound_answered.raw");
        await h.WaitUntilAsync(async () =>
        {
            PrometheusText now = PrometheusText.Parse(await ScrapeAsync(http));
            return now.Value("fsbitrix_outbox_commands", ("lane", "finish")) >= 1
                && now.Sum("fsbitrix_commands_total", ("command", "RegisterCall"), ("outcome", "retry")) >= 1;
        });
        PrometheusText scraped = PrometheusText.Parse(await ScrapeAsync(http));

        Assert.That(scraped.Value("fsbitrix_outbox_commands", ("lane", "ringing")), Is.GreaterThanOrEqualTo(1), "the register, refused by the outage");
        Assert.That(scraped.Value("fsbitrix_outbox_oldest_command_age_seconds", ("lane", "ringing")), Is.GreaterThan(0));
        double failed = scraped.Sum("fsbitrix_bitrix24_requests_total") - scraped.Sum("fsbitrix_bitrix24_requests_total", ("outcome", "ok"));
        Assert.That(failed, Is.GreaterThanOrEqualTo(1), "each refused request, counted with its error kind");
        Assert.That(scraped.Sum("fsbitrix_bitrix24_requests_total", ("outcome", "transient")), Is.EqualTo(failed), "a 503 is transient");
    }

    [Test]
    public void The_grafana_dashboard_draws_only_metrics_the_service_serves()
    {
        string path = Path.Combine(FsBitrix.Testing.SharedFixtures.RepositoryRoot, "docs", "grafana-dashboard.json");
        using var dashboard = System.Text.Json.JsonDocument.Parse(File.ReadAllText(path));
        List<string> expressions = dashboard.RootElement.GetProperty("panels").EnumerateArray()
            .Where(p => p.TryGetProperty("targets", out _))
            .SelectMany(p => p.GetProperty("targets").EnumerateArray().Select(t => t.GetProperty("expr").GetString()!))
            .ToList();
        List<string> used = expressions
            .SelectMany(e => System.Text.RegularExpressions.Regex.Matches(e, @"fsbitrix_[a-z0-9_]+").Select(m => m.Value))
            .Distinct().ToList();

        Assert.That(used.Where(u => !Families.Contains(System.Text.RegularExpressions.Regex.Replace(u, "_(bucket|sum|count)$", ""))), Is.Empty);
        Assert.That(Families.Where(f => !used.Contains(f) && !used.Contains(f + "_bucket")), Is.Empty, "every metric is drawn somewhere");
    }

    private static async Task<string> ScrapeAsync(HttpClient http)
    {
        using HttpResponseMessage response = await http.GetAsync(new Uri("metrics", UriKind.Relative));
        response.EnsureSuccessStatusCode();
        Assert.That(response.Content.Headers.ContentType?.ToString(), Does.StartWith("text/plain; version=0.0.4"));
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>Problems <c>promtool check metrics</c> (Debian's prometheus package, installed by .ci/run) finds.</summary>
    private static string Promtool(string exposition)
    {
        const string promtool = "/usr/bin/promtool";
        if (!File.Exists(promtool))
        {
            Assert.Fail($"{promtool} is missing: install Debian's prometheus package (apt-get install --no-install-recommends prometheus), as .ci/run does");
        }

        using var process = Process.Start(new ProcessStartInfo(promtool, "check metrics")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        process.StandardInput.Write(exposition);
        process.StandardInput.Close();
        string problems = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0 ? string.Empty : problems;
    }
}
