using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace FsBitrix.Benchmarks.Service;

/// <summary>
/// Fixed single-threaded jobs timed as a phase goes. On a shared VM the same code runs slower when the host is busy;
/// a slow phase with slow jobs says "the machine", a slow phase with steady jobs says "the code". Two jobs, because
/// neighbours can slow one without the other: hashing runs in the core's own units and cache, a random walk through
/// 64 MB waits on memory, as the service's pointer-chasing work does.
/// </summary>
internal static class MachineSpeed
{
    private static readonly byte[] Data = RandomNumberGenerator.GetBytes(256 * 1024);
    private const int WalkLength = 4 * 1024 * 1024;

    /// <summary>Median of five runs of hashing 2.5 MB, in milliseconds.</summary>
    public static double Hashing() => Median(() =>
    {
        Span<byte> hash = stackalloc byte[32];
        for (int i = 0; i < 10; i++)
        {
            SHA256.HashData(Data, hash);
        }
    });

    /// <summary>Median of five walks of 100,000 dependent random reads through 16 MB, in milliseconds.</summary>
    /// <remarks>The 16 MB are native and freed at once: the in-process run reports this process's working set.</remarks>
    public static unsafe double Memory()
    {
        int* walk = (int*)NativeMemory.Alloc(WalkLength, sizeof(int));
        try
        {
            RandomCycle(new Span<int>(walk, WalkLength));
            nint address = (nint)walk;
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
        finally
        {
            NativeMemory.Free(walk);
        }
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
