using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace FsBitrix.Benchmarks.Service;

/// <summary>
/// The service in a process of its own (this program's <c>service-host</c> command), as an admin runs it: the portal's
/// and the fake FreeSWITCH's threads, allocations and GC pauses no longer count against it, and its CPU is its own.
/// </summary>
internal sealed class ChildProcessService : IMeasuredService
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);
    private readonly Process _process;
    private readonly ConcurrentDictionary<string, long> _issued = new(StringComparer.OrdinalIgnoreCase);
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _reading;
    private TaskCompletionSource<ServiceStats>? _stats;
    private TaskCompletionSource<GcCounters>? _gc;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ChildProcessService(Process process)
    {
        _process = process;
        _reading = Task.Run(ReadAsync);
    }

    public string CpuScope => "the service's own process";

    public TimeSpan CpuTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    public PageFaults Faults => PageFaults.Of(_process.Id);

    public static async Task<ChildProcessService> StartAsync(int eslPort, Uri webhook, string databasePath)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (string arg in new[] { "service-host", eslPort.ToString(CultureInfo.InvariantCulture), webhook.ToString(), databasePath })
        {
            start.ArgumentList.Add(arg);
        }

        var service = new ChildProcessService(Process.Start(start)!);
        await service._ready.Task.WaitAsync(TimeSpan.FromSeconds(60)).ConfigureAwait(false);
        return service;
    }

    public async Task<long?> IssuedSinceAsync(string method, long since)
    {
        using var patience = new CancellationTokenSource(Patience);
        while (true)
        {
            Task changed = Volatile.Read(ref _changed).Task;
            if (_issued.TryGetValue(method, out long at) && at >= since)
            {
                return at;
            }

            try
            {
                await changed.WaitAsync(patience.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return null;
            }
        }
    }

    public async Task<ServiceStats> StatsAsync()
    {
        _stats = new TaskCompletionSource<ServiceStats>(TaskCreationOptions.RunContinuationsAsynchronously);
        await _process.StandardInput.WriteLineAsync("stats").ConfigureAwait(false);
        await _process.StandardInput.FlushAsync().ConfigureAwait(false);
        return await _stats.Task.WaitAsync(TimeSpan.FromSeconds(60)).ConfigureAwait(false);
    }

    public async Task<GcCounters> GcAsync()
    {
        _gc = new TaskCompletionSource<GcCounters>(TaskCreationOptions.RunContinuationsAsynchronously);
        await _process.StandardInput.WriteLineAsync("gc").ConfigureAwait(false);
        await _process.StandardInput.FlushAsync().ConfigureAwait(false);
        return await _gc.Task.WaitAsync(TimeSpan.FromSeconds(60)).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        _process.StandardInput.Close();
        try
        {
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // A service that does not stop must not outlive the benchmark.
            _process.Kill(entireProcessTree: true);
        }

        await _reading.ConfigureAwait(false);
        _process.Dispose();
    }

    private async Task ReadAsync()
    {
        while (await _process.StandardOutput.ReadLineAsync().ConfigureAwait(false) is { } line)
        {
            string[] words = line.Split(' ');
            switch (words[0])
            {
                case "ready":
                    _ready.TrySetResult();
                    break;
                case "issued" when words.Length == 3:
                    _issued[words[1]] = long.Parse(words[2], CultureInfo.InvariantCulture);
                    Interlocked.Exchange(ref _changed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
                    break;
                case "stats" when words.Length >= 4:
                    _stats?.TrySetResult(new ServiceStats(double.Parse(words[1], CultureInfo.InvariantCulture),
                        double.Parse(words[2], CultureInfo.InvariantCulture), int.Parse(words[3], CultureInfo.InvariantCulture),
                        string.Join(' ', words.Skip(4))));
                    break;
                case "gc" when words.Length == 4:
                    _gc?.TrySetResult(new GcCounters(long.Parse(words[1], CultureInfo.InvariantCulture),
                        int.Parse(words[2], CultureInfo.InvariantCulture), double.Parse(words[3], CultureInfo.InvariantCulture)));
                    break;
                default:
                    // The service's own console output (warnings at start-up): pass it on.
                    Console.WriteLine("  [service] " + line);
                    break;
            }
        }

        _ready.TrySetException(new InvalidOperationException("the service process ended before it was ready"));
    }
}
