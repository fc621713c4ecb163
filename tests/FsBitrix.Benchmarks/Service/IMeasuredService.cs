namespace FsBitrix.Benchmarks.Service;

/// <summary>The FsBitrix service under measurement, in this process or in one of its own.</summary>
internal interface IMeasuredService : IAsyncDisposable
{
    /// <summary>What the CPU figure covers, for the printed line.</summary>
    string CpuScope { get; }

    /// <summary>CPU time used so far by what <see cref="CpuScope"/> names.</summary>
    TimeSpan CpuTime { get; }

    /// <summary>Page faults so far of the process <see cref="CpuScope"/> names: major ones read a page back from disk.</summary>
    PageFaults Faults { get; }

    /// <summary>When the service handed its latest request to <paramref name="method"/> to HttpClient, if at or after
    /// <paramref name="since"/> (Stopwatch ticks, comparable across processes on Linux); null if none came in time.</summary>
    Task<long?> IssuedSinceAsync(string method, long since);

    /// <summary>Managed heap after a full collection, working set, and the calls the tracker follows.</summary>
    Task<ServiceStats> StatsAsync();

    /// <summary>The service's process's allocations and collections so far (no collection is forced).</summary>
    Task<GcCounters> GcAsync();
}

internal sealed record GcCounters(long AllocatedBytes, int Collections, double PausedMs)
{
    public static GcCounters OfThisProcess() =>
        new(GC.GetTotalAllocatedBytes(), GC.CollectionCount(0), GC.GetTotalPauseDuration().TotalMilliseconds);

    public string PerCallSince(GcCounters before, int calls) =>
        $"{(AllocatedBytes - before.AllocatedBytes) / calls / 1024} KB allocated per call, {Collections - before.Collections} GCs, "
        + $"{PausedMs - before.PausedMs:F0} ms paused";
}

/// <param name="Breakdown">Where the working set is: the GC's committed memory, and the process's anonymous and file-backed resident pages.</param>
internal sealed record ServiceStats(double ManagedMb, double WorkingSetMb, int ActiveCalls, string Breakdown);

internal readonly record struct PageFaults(long Minor, long Major)
{
    /// <summary>Fields 10 and 12 of <c>/proc/PID/stat</c> (after the command name, which may hold spaces).</summary>
    public static PageFaults Of(int processId)
    {
        string stat = File.ReadAllText($"/proc/{processId}/stat");
        string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return new PageFaults(long.Parse(fields[7], System.Globalization.CultureInfo.InvariantCulture),
            long.Parse(fields[9], System.Globalization.CultureInfo.InvariantCulture));
    }

    public static PageFaults operator -(PageFaults a, PageFaults b) => new(a.Minor - b.Minor, a.Major - b.Major);
}
