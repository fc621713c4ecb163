using System.Diagnostics;
using System.Globalization;
using System.Threading.Channels;
using FsBitrix.Calls;
using FsBitrix.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace FsBitrix.Benchmarks.Service;

/// <summary>
/// <c>service-host ESL_PORT WEBHOOK_URL DATABASE</c>: the service alone in this process, for
/// <c>service --separate-process</c>. Says <c>ready</c>, then <c>issued METHOD TICKS</c> for every request handed to
/// HttpClient; answers <c>stats</c> on standard input with <c>stats MANAGED_MB WORKING_SET_MB ACTIVE_CALLS</c>, and
/// <c>gc</c> with <c>gc ALLOCATED_BYTES GEN0_COLLECTIONS PAUSED_MS</c>;
/// stops at the end of standard input.
/// </summary>
internal static class ServiceHostCommand
{
    public static Task<WebApplication> CreateAsync(int eslPort, Uri webhook, string databasePath) =>
        FsBitrixApp.CreateAsync(["--Logging:LogLevel:Default=Warning", "--Serilog:MinimumLevel:Default=Warning"], o =>
        {
            o.Esl.Port = eslPort;
            o.Bitrix.WebhookUrl = webhook.ToString();
            o.Bitrix.RateLimitPerSecond = 0;
            o.Http.Urls = "http://127.0.0.1:0";
            // A connection string (service --postgres) puts the storage on PostgreSQL; else it is the SQLite file.
            if (databasePath.StartsWith("Host=", StringComparison.OrdinalIgnoreCase))
            {
                o.Storage.Provider = "postgres";
                o.Storage.ConnectionString = databasePath;
            }
            else
            {
                o.Storage.Path = databasePath;
            }
        });

    public static ServiceStats Stats(CallTracker tracker)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        double managed = GC.GetTotalMemory(forceFullCollection: true) / 1e6;
        using var process = Process.GetCurrentProcess();
        return new ServiceStats(managed, process.WorkingSet64 / 1e6, tracker.ActiveCalls, Breakdown());
    }

    private static string Breakdown()
    {
        GCMemoryInfo gc = GC.GetGCMemoryInfo(GCKind.Any);
        Dictionary<string, string> status = File.ReadAllLines("/proc/self/status")
            .Select(l => l.Split(':', 2))
            .Where(p => p.Length == 2)
            .ToDictionary(p => p[0], p => p[1].Trim());
        return string.Create(CultureInfo.InvariantCulture, $"GC committed {gc.TotalCommittedBytes / 1e6:F1} MB, ")
            + $"RSS anon {status.GetValueOrDefault("RssAnon", "?")}, file {status.GetValueOrDefault("RssFile", "?")}, shmem {status.GetValueOrDefault("RssShmem", "?")}";
    }

    public static async Task<int> RunAsync(string[] args)
    {
        // Lines leave on a task of their own: the service's request path only queues them.
        var lines = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
        using var issued = new RequestsIssued((method, at) => lines.Writer.TryWrite(
            string.Create(CultureInfo.InvariantCulture, $"issued {method} {at}")));
        Task writer = WriteLinesAsync(lines.Reader);
        await using WebApplication app = await CreateAsync(int.Parse(args[0], CultureInfo.InvariantCulture), new Uri(args[1]), args[2]).ConfigureAwait(false);
        await app.StartAsync().ConfigureAwait(false);
        lines.Writer.TryWrite("ready");
        CallTracker tracker = app.Services.GetRequiredService<CallTracker>();
        while (await Console.In.ReadLineAsync().ConfigureAwait(false) is { } command)
        {
            if (command == "stats")
            {
                ServiceStats stats = Stats(tracker);
                lines.Writer.TryWrite(string.Create(CultureInfo.InvariantCulture,
                    $"stats {stats.ManagedMb} {stats.WorkingSetMb} {stats.ActiveCalls} {stats.Breakdown}"));
            }
            else if (command == "gc")
            {
                GcCounters gc = GcCounters.OfThisProcess();
                lines.Writer.TryWrite(string.Create(CultureInfo.InvariantCulture, $"gc {gc.AllocatedBytes} {gc.Collections} {gc.PausedMs}"));
            }
        }

        await app.StopAsync().ConfigureAwait(false);
        lines.Writer.TryComplete();
        await writer.ConfigureAwait(false);
        return 0;
    }

    private static async Task WriteLinesAsync(ChannelReader<string> lines)
    {
        await foreach (string line in lines.ReadAllAsync().ConfigureAwait(false))
        {
            await Console.Out.WriteLineAsync(line).ConfigureAwait(false);
            await Console.Out.FlushAsync().ConfigureAwait(false);
        }
    }
}
