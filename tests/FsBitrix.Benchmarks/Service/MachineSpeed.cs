using System.Diagnostics;
using System.Security.Cryptography;

namespace FsBitrix.Benchmarks.Service;

/// <summary>
/// A fixed single-threaded job timed before and after a phase. On a shared VM the same code runs slower when the host
/// is busy; a slow phase with a slow job says "the machine", a slow phase with a steady job says "the code".
/// </summary>
internal static class MachineSpeed
{
    private static readonly byte[] Data = RandomNumberGenerator.GetBytes(256 * 1024);

    /// <summary>The median of five runs of hashing 2.5 MB, in milliseconds.</summary>
    public static double Measure()
    {
        var runs = new double[5];
        Span<byte> hash = stackalloc byte[32];
        for (int r = 0; r < runs.Length; r++)
        {
            long started = Stopwatch.GetTimestamp();
            for (int i = 0; i < 10; i++)
            {
                SHA256.HashData(Data, hash);
            }

            runs[r] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }

        Array.Sort(runs);
        return runs[runs.Length / 2];
    }
}
