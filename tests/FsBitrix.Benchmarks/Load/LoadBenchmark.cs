using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using FsBitrix.Hosting;
using FsBitrix.Outbox;
using FsBitrix.Sandbox;
using FsBitrix.Simulator;
using FsBitrix.Simulator.Flows;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace FsBitrix.Benchmarks.Load;

/// <summary>
/// <c>load --rate R --calls N [--portal 2/50] [--operating] [--recordings url|upload] [--plot FILE.svg]</c>: the
/// simulator places real-shaped calls (ring-all and mod_callcenter ring-all, a fresh caller number each) at R calls/s
/// into the service, which talks to a sandbox portal enforcing the given leaky bucket (and, with --operating, the
/// cloud's per-method execution-time limit). Everything runs in real time on 127.0.0.1.
/// </summary>
/// <remarks>
/// Card latency: an agent's leg starts ringing (its CHANNEL_PROGRESS) → a show of that call for that agent's user
/// reaches the portal (the sandbox's arrival time, for a request of its own or a command in a batch). In ring: the show
/// arrived before the leg was answered or hung up. Finish latency: the caller's leg hung up → the finish reached the
/// portal. Backlog: the outbox's waiting commands, sampled each second.
/// </remarks>
internal static class LoadBenchmark
{
    private static readonly string[] Agents = ["1001", "1002", "1003"];

    public static async Task<int> RunAsync(string[] args)
    {
        LoadOptions o = LoadOptions.Parse(args);
        string folder = Path.Combine(Path.GetTempPath(), "fsbitrix-load-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        var record = new LoadRecord();

        await using SandboxPortal portal = await SandboxPortal.StartAsync(new SandboxOptions
        {
            RateLimit = new SandboxRateLimit { DrainPerSecond = o.Drain, Burst = o.Burst },
            Operating = o.Operating ? SandboxOperating.Cloud : new SandboxOperating(),
        }).ConfigureAwait(false);
        portal.State.Logged += record.Portal;
        await using var simulator = new FreeSwitchSimulator(new SimulatorOptions { Port = 0, RecordingsPath = Path.Combine(folder, "recordings") });
        simulator.EventFired += (_, e) => record.Switch(e);
        await simulator.StartAsync().ConfigureAwait(false);

        int httpPort = FreePort();
        await using WebApplication service = await FsBitrixApp.CreateAsync(["--Logging:LogLevel:Default=Warning", "--Serilog:MinimumLevel:Default=Warning"], s =>
        {
            s.Esl.Host = "127.0.0.1";
            s.Esl.Port = simulator.Port;
            s.Bitrix.WebhookUrl = portal.WebhookUrl.ToString();
            s.Bitrix.RateLimitPerSecond = o.Drain;
            s.Bitrix.RateLimitBurst = o.Burst;
            s.Http.Urls = $"http://127.0.0.1:{httpPort}";
            s.Storage.Path = Path.Combine(folder, "fsbitrix.db");
            s.Recordings.Mode = o.Recordings;
            s.Recordings.PublicUrl = $"http://127.0.0.1:{httpPort}/";
        });
        await service.StartAsync().ConfigureAwait(false);
        IOutboxStore outbox = service.Services.GetRequiredService<IOutboxStore>();
        await WaitAsync(() => Task.FromResult(simulator.ConnectedClients > 0), TimeSpan.FromSeconds(30), "the service to connect").ConfigureAwait(false);
        await WaitAsync(() => Task.FromResult(portal.State.RequestCount("user.get") > 0), TimeSpan.FromSeconds(30), "the user list").ConfigureAwait(false);

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"load: {o.Calls} calls at {o.Rate}/s into a portal allowing {o.Drain}/s burst {o.Burst}{(o.Operating ? " with operating-time limits" : string.Empty)}, recordings by {o.Recordings}; {Environment.ProcessorCount} cores"));
        long httpBefore = portal.State.HttpRequestCount;
        var clock = Stopwatch.StartNew();
        using var sampling = new CancellationTokenSource();
        Task sampler = SampleAsync(outbox, record, clock, sampling.Token);

        // Calls start on schedule whatever the service does: a call centre does not wait for the CRM.
        var calls = new List<Task>();
        var random = new Random(42);
        for (int i = 0; i < o.Calls; i++)
        {
            TimeSpan due = TimeSpan.FromSeconds(i / o.Rate);
            if (due > clock.Elapsed)
            {
                await Task.Delay(due - clock.Elapsed).ConfigureAwait(false);
            }

            string customer = "+7916" + random.Next(1_000_000, 9_999_999).ToString(CultureInfo.InvariantCulture);
            string loser = Agents[i % 3], winner = Agents[(i + 1) % 3];
            CallScript script = i % 2 == 0
                ? StandardFlows.RingAll(customer, "74951234568", loser, winner)
                : StandardFlows.CallcenterRingAll(customer, "74951234568", loser, winner);
            record.Started(customer);
            calls.Add(simulator.PlayAsync(script));
        }

        await Task.WhenAll(calls).ConfigureAwait(false);
        TimeSpan lastCallOver = clock.Elapsed;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"load: all {o.Calls} calls over after {lastCallOver.TotalSeconds:F0} s; draining"));

        // Drained: every call finished (with its recording, when it was answered) and nothing left in the outbox.
        await WaitAsync(async () => portal.State.FinishedCalls.Count >= o.Calls
                && portal.State.FinishedCalls.All(f => f.Recording is not null || f.Duration == 0)
                && await outbox.PendingCountAsync().ConfigureAwait(false) == 0,
            TimeSpan.FromMinutes(30), "the outbox to drain").ConfigureAwait(false);
        TimeSpan drain = clock.Elapsed - lastCallOver;
        await sampling.CancelAsync().ConfigureAwait(false);
        await sampler.ConfigureAwait(false);
        long http = portal.State.HttpRequestCount - httpBefore - portal.State.RequestCount("user.get");

        LoadResult result = record.Result(portal.State, o.Calls, http, drain);
        result.Print(o);
        if (o.Plot is { } plot)
        {
            LoadPlot.Write(plot, record, result, o);
            Console.WriteLine($"load: plot written to {plot}");
        }

        await service.StopAsync().ConfigureAwait(false);
        return 0;
    }

    private static async Task SampleAsync(IOutboxStore outbox, LoadRecord record, Stopwatch clock, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false))
            {
                record.Backlog(clock.Elapsed, await outbox.PendingCountAsync(stop).ConfigureAwait(false));
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    private static async Task WaitAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var waited = Stopwatch.StartNew();
        while (!await condition().ConfigureAwait(false))
        {
            if (waited.Elapsed > timeout)
            {
                throw new TimeoutException($"load: gave up waiting for {what} after {timeout.TotalSeconds:F0} s");
            }

            // A benchmark's own pacing, not a test's wait: it looks twice a second.
            await Task.Delay(500).ConfigureAwait(false);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
