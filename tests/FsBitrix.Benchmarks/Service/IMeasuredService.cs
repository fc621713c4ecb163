namespace FsBitrix.Benchmarks.Service;

/// <summary>The FsBitrix service under measurement, in this process or in one of its own.</summary>
internal interface IMeasuredService : IAsyncDisposable
{
    /// <summary>What the CPU figure covers, for the printed line.</summary>
    string CpuScope { get; }

    /// <summary>CPU time used so far by what <see cref="CpuScope"/> names.</summary>
    TimeSpan CpuTime { get; }

    /// <summary>When the service handed its latest request to <paramref name="method"/> to HttpClient, if at or after
    /// <paramref name="since"/> (Stopwatch ticks, comparable across processes on Linux); null if none came in time.</summary>
    Task<long?> IssuedSinceAsync(string method, long since);

    /// <summary>Managed heap after a full collection, working set, and the calls the tracker follows.</summary>
    Task<ServiceStats> StatsAsync();
}

/// <param name="Breakdown">Where the working set is: the GC's committed memory, and the process's anonymous and file-backed resident pages.</param>
internal sealed record ServiceStats(double ManagedMb, double WorkingSetMb, int ActiveCalls, string Breakdown);
