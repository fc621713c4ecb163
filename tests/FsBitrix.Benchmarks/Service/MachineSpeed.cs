using System.Diagnostics;
using System.IO.MemoryMappedFiles;
using System.Security.Cryptography;

namespace FsBitrix.Benchmarks.Service;

/// <summary>
/// Fixed single-threaded jobs timed as a phase goes. On a shared VM the same code runs slower when the host is busy;
/// a slow phase with slow jobs says "the machine", a slow phase with steady jobs says "the code". Two jobs, because
/// neighbours can slow one without the other: hashing runs in the core's own units and cache, a random walk through
/// 16 MB waits on memory, as the service's pointer-chasing work does.
/// </summary>
/// <remarks>The walk's 16 MB are mapped once and unmapped on dispose (before the memory phase is measured).</remarks>
internal sealed unsafe class MachineSpeed : IDisposable
{
    private const int WalkLength = 4 * 1024 * 1024;
    private static readonly byte[] Data = RandomNumberGenerator.GetBytes(256 * 1024);
    // An anonymous mapping, not malloc: freed, it leaves the process at once (glibc keeps a freed 16 MB block mapped
    // once its dynamic threshold has grown, which the memory phase would then count).
    private readonly MemoryMappedFile _mapping = MemoryMappedFile.CreateNew(null, (long)WalkLength * sizeof(int));
    private readonly MemoryMappedViewAccessor _view;
    private int* _walk;

    public MachineSpeed()
    {
        _view = _mapping.CreateViewAccessor();
        byte* start = null;
        _view.SafeMemoryMappedViewHandle.AcquirePointer(ref start);
        _walk = (int*)(start + _view.PointerOffset);
        RandomCycle(new Span<int>(_walk, WalkLength));
    }

    /// <summary>Median of five runs of hashing 2.5 MB, in milliseconds.</summary>
    public static double Hashing() => Median(() =>
    {
        Span<byte> hash = stackalloc byte[32];
        for (int i = 0; i < 10; i++)
        {
            SHA256.HashData(Data, hash);
        }
    });

    /// <summary>Median of five walks of 100,000 dependent random reads, in milliseconds.</summary>
    public double Memory()
    {
        nint address = (nint)_walk;
        return Median(() =>
        {
            int* cycle = (int*)address;
            int at = 0;
            for (int i = 0; i < 100_000; i++)
            {
                at = cycle[at];
            }

            GC.KeepAlive(at);
        });
    }

    public void Dispose()
    {
        _walk = null;
        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _mapping.Dispose();
    }

    private static double Median(Action job)
    {
        var runs = new double[5];
        for (int r = 0; r < runs.Length; r++)
        {
            long started = Stopwatch.GetTimestamp();
            job();
            runs[r] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }

        Array.Sort(runs);
        return runs[runs.Length / 2];
    }

    // One cycle through every slot (Sattolo's shuffle), so a walk never settles in a small loop that fits the cache.
    private static void RandomCycle(Span<int> next)
    {
        for (int i = 0; i < next.Length; i++)
        {
            next[i] = i;
        }

        for (int i = next.Length - 1; i > 0; i--)
        {
            int j = Random.Shared.Next(i);
            (next[i], next[j]) = (next[j], next[i]);
        }
    }
}
