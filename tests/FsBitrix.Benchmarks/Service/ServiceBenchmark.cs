using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using FsBitrix.Sandbox;
using FsBitrix.Sandbox.State;

namespace FsBitrix.Benchmarks.Service;

/// <summary>
/// The whole service against a fake FreeSWITCH sending copies of a real call (s1, recording events left out) and an
/// unlimited sandbox portal; in this process, or with <c>--separate-process</c> in one of its own (as an admin runs
/// it). Phase 1: calls one at a time, the time from the ESL event to the REST request being issued by the service and
/// arriving at the portal (register after CHANNEL_CREATE; finish after the customer's CHANNEL_HANGUP_COMPLETE), and CPU per call. Phase 2:
/// N calls at once: memory with all of them live, then all hung up.
/// </summary>
internal static class ServiceBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        int paced = Arg(args, "--paced", 300);
        int concurrent = Arg(args, "--concurrent", 2000);
        string capture = args.FirstOrDefault(a => a.EndsWith(".raw", StringComparison.Ordinal))
            ?? Path.Combine("..", "shared", "fixtures", "esl", "scenarios", "s1_inbound_answered.raw");
        BenchTemplate template = BenchTemplate.Load(capture);
        string folder = Directory.CreateTempSubdirectory("fsbitrix-bench").FullName;
        try
        {
            return await RunInAsync(args, paced, concurrent, capture, template, folder).ConfigureAwait(false);
        }
        finally
        {
            // Each run's outbox is megabytes; after the service and its connections are gone nothing holds it.
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"could not remove {folder}: {ex.Message}");
            }
        }
    }

    private static async Task<int> RunInAsync(string[] args, int paced, int concurrent, string capture, BenchTemplate template, string folder)
    {
        await using SandboxPortal portal = await SandboxPortal.StartAsync(new SandboxOptions { RateLimit = SandboxRateLimit.None }).ConfigureAwait(false);
        await using var freeSwitch = new BenchFreeSwitch();
        // --postgres SERVER: the outbox on a PostgreSQL database of this run's own (dropped at the end), not SQLite.
        await using BenchDatabase db = await BenchDatabase.CreateAsync(Value(args, "--postgres"), folder).ConfigureAwait(false);
        string database = db.Setting;
        Console.WriteLine($"storage: {db.Describe}");
        bool separate = args.Contains("--separate-process");
        await using IMeasuredService service = separate
            ? await ChildProcessService.StartAsync(freeSwitch.Port, portal.WebhookUrl, database).ConfigureAwait(false)
            : await InProcessService.StartAsync(freeSwitch.Port, portal.WebhookUrl, database).ConfigureAwait(false);
        await freeSwitch.Subscribed.WaitAsync(TimeSpan.FromSeconds(20)).ConfigureAwait(false);
        Console.WriteLine($"service {(separate ? "in a process of its own" : "in this process")}");
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}; capture {Path.GetFileName(capture)}, {template.Count} events per call");

        // Warm-up: the first calls pay for JIT and connection set-up, which a long-running service pays once.
        int warmUp = Arg(args, "--warm-up", 100);
        await PacedAsync(portal, freeSwitch, template, warmUp, service, probing: false).ConfigureAwait(false);
        (Latencies register, Latencies finish, double cpuMs) =
            await PacedAsync(portal, freeSwitch, template, paced, service, probing: !args.Contains("--no-probes")).ConfigureAwait(false);
        Console.WriteLine(Line($"paced {paced} calls after {warmUp} warm-up calls, ESL event → request issued by the service (→ arrived at the portal):"));
        Console.WriteLine(Line($"  CHANNEL_CREATE → register p50 {P(register.Issued, 50):F2} ms, p99 {P(register.Issued, 99):F2} ms "
            + $"(arrived p50 {P(register.Arrived, 50):F2} ms, p99 {P(register.Arrived, 99):F2} ms)"));
        Console.WriteLine(Line($"  customer's CHANNEL_HANGUP_COMPLETE → finish p50 {P(finish.Issued, 50):F2} ms, p99 {P(finish.Issued, 99):F2} ms "
            + $"(arrived p50 {P(finish.Arrived, 50):F2} ms, p99 {P(finish.Arrived, 99):F2} ms)"));
        Console.WriteLine(Line($"  CPU {cpuMs:F2} ms per call ({service.CpuScope})"));
        Console.WriteLine(Line($"  over 5 ms, by tenth of the phase: register {register.SlowByTenth(5)}; finish {finish.SlowByTenth(5)}"));
        if (register.MachineProbes.Count > 0)
        {
            Console.WriteLine(Line($"  machine at the start of each tenth and at the end, hashing ms / memory walk ms / wake-up p90,max ms: "
                + string.Join("  ", register.MachineProbes)));
        }

        Console.WriteLine(Line($"  CPU per call by tenth: {string.Join(' ', register.CpuPerCallByTenth.Select(ms => ms.ToString("F1", CultureInfo.InvariantCulture)))} ms"));
        Console.WriteLine(Line($"  page faults by tenth, minor/major: {string.Join(' ', register.FaultsByTenth.Select(f => $"{f.Minor}/{f.Major}"))}"));

        (double memoryMb, double workingSetMb, double seconds) =
            await ConcurrentAsync(portal, freeSwitch, template, concurrent, service).ConfigureAwait(false);
        Console.WriteLine(Line($"{concurrent} concurrent calls: managed heap {memoryMb:F1} MB, working set {workingSetMb:F1} MB while all live "
            + $"({(separate ? "the service's process" : "service and portal state")}); all {concurrent} lifecycles in {seconds:F1} s"));
        Console.WriteLine(Line($"service: event→request issued p99 {Math.Max(P(register.Issued, 99), P(finish.Issued, 99)):F2} ms "
            + $"(→ portal {Math.Max(P(register.Arrived, 99), P(finish.Arrived, 99)):F2} ms), {cpuMs:F2} ms CPU/call, "
            + $"{workingSetMb:F0} MB working set at {concurrent} concurrent calls"));

        return 0;
    }

    private static async Task<(Latencies, Latencies, double)> PacedAsync(SandboxPortal portal, BenchFreeSwitch freeSwitch,
        BenchTemplate template, int calls, IMeasuredService service, bool probing)
    {
        int talking = template.IndexOf("CHANNEL_BRIDGE") + 1;
        int total = template.Count;
        // The finish follows the customer's leg's CHANNEL_HANGUP_COMPLETE (the last one in s1): its latency starts when
        // that event is written, as the register's starts with CHANNEL_CREATE. Events written before it in the same
        // burst still count when the service is still busy with them.
        int customerEnded = template.LastIndexOf("CHANNEL_HANGUP_COMPLETE");
        var buffer = new ArrayBufferWriter<byte>(1 << 20);
        var register = new Latencies();
        var finish = new Latencies();
        (WakeProbe Wake, MachineSpeed Speed)? probes = probing ? (new WakeProbe(), new MachineSpeed()) : null;
        GcCounters before = GcCounters.OfThisProcess();
        GcCounters serviceBefore = await service.GcAsync().ConfigureAwait(false);
        // CPU is summed per tenth, leaving out the probes between tenths (they run in this process).
        TimeSpan cpu = TimeSpan.Zero;
        TimeSpan tenthStarted = TimeSpan.Zero;
        int tenthFirstCall = 0;
        PageFaults faultsStarted = default;
        for (int i = 0; i < calls; i++)
        {
            if (i * 10 / calls != (i - 1) * 10 / calls || i == 0)
            {
                if (i > 0)
                {
                    TimeSpan used = service.CpuTime - tenthStarted;
                    cpu += used;
                    register.CpuPerCallByTenth.Add(used.TotalMilliseconds / (i - tenthFirstCall));
                    register.FaultsByTenth.Add(service.Faults - faultsStarted);
                }

                // Between calls, with the service idle: it measures the host, not the service.
                if (probes is { } p)
                {
                    register.MachineProbes.Add(Probe(p.Wake, p.Speed));
                }

                tenthStarted = service.CpuTime;
                faultsStarted = service.Faults;
                tenthFirstCall = i;
            }

            BenchCall call = template.NewCall();
            RenderedFrames ringing = call.Render(0, talking, buffer);
            BenchStamp created = await freeSwitch.SendAsync(ringing).ConfigureAwait(false);
            await portal.WaitForAsync(s => Logged(s, "show", created.At), TimeSpan.FromSeconds(20)).ConfigureAwait(false);
            register.Add(await service.IssuedSinceAsync("telephony.externalcall.register", created.Ticks).ConfigureAwait(false), created.Ticks,
                Latest(portal, "register")!.At - created.At);

            RenderedFrames hangingUp = call.Render(talking, total - talking, buffer);
            BenchStamp ended = await freeSwitch.SendAsync(hangingUp, stampAt: customerEnded - talking).ConfigureAwait(false);
            await portal.WaitForAsync(s => Logged(s, "finish", ended.At), TimeSpan.FromSeconds(20)).ConfigureAwait(false);
            finish.Add(await service.IssuedSinceAsync("telephony.externalcall.finish", ended.Ticks).ConfigureAwait(false), ended.Ticks,
                Latest(portal, "finish")!.At - ended.At);
        }

        TimeSpan lastTenth = service.CpuTime - tenthStarted;
        register.CpuPerCallByTenth.Add(lastTenth.TotalMilliseconds / (calls - tenthFirstCall));
        register.FaultsByTenth.Add(service.Faults - faultsStarted);
        double cpuMs = (cpu + lastTenth).TotalMilliseconds / calls;
        if (probes is { } last)
        {
            register.MachineProbes.Add(Probe(last.Wake, last.Speed));
            last.Wake.Dispose();
            last.Speed.Dispose();
        }

        GcCounters serviceAfter = await service.GcAsync().ConfigureAwait(false);
        Console.WriteLine($"  {calls} calls: this process {GcCounters.OfThisProcess().PerCallSince(before, calls)}");
        if (service is ChildProcessService)
        {
            Console.WriteLine($"  {calls} calls: the service's process {serviceAfter.PerCallSince(serviceBefore, calls)}");
        }

        return (register, finish, cpuMs);
    }

    private static async Task<(double, double, double)> ConcurrentAsync(SandboxPortal portal, BenchFreeSwitch freeSwitch,
        BenchTemplate template, int calls, IMeasuredService service)
    {
        List<BenchCall> all = Enumerable.Range(0, calls).Select(_ => template.NewCall()).ToList();
        var buffer = new ArrayBufferWriter<byte>(1 << 20);
        int talking = template.IndexOf("CHANNEL_BRIDGE") + 1;
        int finishedBefore = portal.State.FinishedCalls.Count;
        var clock = Stopwatch.StartNew();
        using var sampling = new CancellationTokenSource();
        Task<string> peaks = PeaksAsync(sampling.Token);

        foreach (BenchCall call in all)
        {
            await freeSwitch.SendAsync(call.Render(0, talking, buffer)).ConfigureAwait(false);
        }

        await WaitOrExplainAsync(portal, service, s => s.LiveCalls.Count == calls && s.CardsByUser.Values.Sum(v => v.Count) >= calls,
            $"{calls} calls live with their cards").ConfigureAwait(false);
        ServiceStats stats = await service.StatsAsync().ConfigureAwait(false);
        if (stats.ActiveCalls != calls)
        {
            Console.WriteLine($"warning: the tracker follows {stats.ActiveCalls} calls, expected {calls}");
        }

        foreach (BenchCall call in all)
        {
            await freeSwitch.SendAsync(call.Render(talking, template.Count - talking, buffer)).ConfigureAwait(false);
        }

        await WaitOrExplainAsync(portal, service, s => s.FinishedCalls.Count == finishedBefore + calls, $"{calls} calls finished")
            .ConfigureAwait(false);
        await sampling.CancelAsync().ConfigureAwait(false);
        Console.WriteLine($"  during the phase (this process): {await peaks.ConfigureAwait(false)}");
        Console.WriteLine($"  working set: {stats.Breakdown}");
        return (stats.ManagedMb, stats.WorkingSetMb, clock.Elapsed.TotalSeconds);
    }

    private static async Task<string> PeaksAsync(CancellationToken stop)
    {
        long heap = 0, committed = 0;
        try
        {
            while (true)
            {
                heap = Math.Max(heap, GC.GetTotalMemory(false));
                committed = Math.Max(committed, GC.GetGCMemoryInfo().TotalCommittedBytes);
                await Task.Delay(20, stop).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
        }

        return $"managed heap peak {heap / 1e6:F0} MB, GC committed peak {committed / 1e6:F0} MB";
    }

    // A phase that does not end says what the portal and the service hold, instead of a bare timeout.
    private static async Task WaitOrExplainAsync(SandboxPortal portal, IMeasuredService service, Func<PortalState, bool> condition, string what)
    {
        try
        {
            await portal.WaitForAsync(condition, TimeSpan.FromMinutes(5)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            PortalState s = portal.State;
            ServiceStats stats = await service.StatsAsync().ConfigureAwait(false);
            Console.WriteLine($"timed out waiting for {what}: portal live {s.LiveCalls.Count}, cards {s.CardsByUser.Values.Sum(v => v.Count)}, "
                + $"finished {s.FinishedCalls.Count}, requests {string.Join(", ", s.RequestsByMethod.Select(m => $"{m.Key} {m.Value}"))}, "
                + $"statuses {string.Join(", ", s.RequestsByStatus.Select(m => $"{m.Key} {m.Value}"))}; service follows {stats.ActiveCalls} calls");
            throw;
        }
    }

    // Requests are counted on arrival but logged (with their arrival time) when answered: wait for the log entry.
    // Checked on every portal change, in the portal's request path: it must not copy the request log.
    private static bool Logged(PortalState state, string method, DateTimeOffset since) =>
        state.LastRequest("telephony.externalcall." + method) is { } r && r.At >= since;

    private static SandboxRequest? Latest(SandboxPortal portal, string method) => portal.State.LastRequest("telephony.externalcall." + method);

    private sealed class Latencies
    {
        public List<double> Issued { get; } = [];

        public List<double> Arrived { get; } = [];

        /// <summary>What <see cref="MachineSpeed"/> and <see cref="WakeProbe"/> read as the phase went.</summary>
        public List<string> MachineProbes { get; } = [];

        /// <summary>The service's CPU per call in each tenth of the phase (<see cref="IMeasuredService.CpuScope"/>).</summary>
        public List<double> CpuPerCallByTenth { get; } = [];

        /// <summary>The service's page faults in each tenth of the phase.</summary>
        public List<PageFaults> FaultsByTenth { get; } = [];

        public void Add(long? issuedAt, long since, TimeSpan arrived)
        {
            Issued.Add(issuedAt is { } at && at >= since ? Stopwatch.GetElapsedTime(since, at).TotalMilliseconds : double.NaN);
            Arrived.Add(arrived.TotalMilliseconds);
        }

        /// <summary>How many issued latencies exceed <paramref name="ms"/> in each tenth of the phase, e.g. "7 = 0 0 5 2 0 …":
        /// slow calls bunched in one tenth point at the machine at that time, spread evenly at the path.</summary>
        public string SlowByTenth(double ms)
        {
            var tenths = new int[10];
            for (int i = 0; i < Issued.Count; i++)
            {
                if (Issued[i] > ms)
                {
                    tenths[i * 10 / Issued.Count]++;
                }
            }

            return $"{tenths.Sum()} = {string.Join(' ', tenths)}";
        }
    }

    private static string Probe(WakeProbe wake, MachineSpeed speed)
    {
        double hashing = MachineSpeed.Hashing();
        double memory = speed.Memory();
        (double p90, double max) = wake.Measure();
        return string.Create(CultureInfo.InvariantCulture, $"{hashing:F1}/{memory:F1}/{p90:F2},{max:F2}");
    }

    private static double P(List<double> values, int percentile)
    {
        List<double> sorted = [.. values.Order()];
        return sorted[Math.Clamp((int)Math.Ceiling(percentile / 100.0 * sorted.Count) - 1, 0, sorted.Count - 1)];
    }

    private static string? Value(string[] args, string name) =>
        Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;

    private static int Arg(string[] args, string name, int fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }

    // The project runs with invariant globalization, so interpolation already formats numbers with a dot.
    private static string Line(string text) => text;
}
