using System.Globalization;

namespace FsBitrix.Benchmarks.Load;

/// <summary>The figures of one load run, and the fixed last line.</summary>
internal sealed record LoadResult(
    IReadOnlyList<CardSeen> Cards,
    IReadOnlyList<double> FinishLatency,
    int Calls,
    int Finished,
    int Duplicated,
    int Lost,
    double RequestsPerCall,
    long LargestBacklog,
    TimeSpan Drain)
{
    /// <summary>Cards never shown count as infinitely late: a percentile that ignored them would flatter the run.</summary>
    public double CardPercentile(double p) => Percentile(Cards.Select(c => c.Latency ?? double.PositiveInfinity), p);

    public double InRingShare => Cards.Count == 0 ? 0 : 100.0 * Cards.Count(c => c.InRing) / Cards.Count;

    public double FinishPercentile(double p) => Percentile(FinishLatency, p);

    // Nearest rank: the smallest value with at least p % of the values at or below it.
    private static double Percentile(IEnumerable<double> values, double p)
    {
        double[] sorted = [.. values.Order()];
        return sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];
    }

    public void Print(LoadOptions o)
    {
        CultureInfo c = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(c, $"cards:    {Cards.Count} ringing agent legs, {Cards.Count(x => x.Latency is not null)} shown; latency p50 {S(CardPercentile(50))} p90 {S(CardPercentile(90))} p99 {S(CardPercentile(99))} max {S(CardPercentile(100))}; {InRingShare:F1} % while the phone rang"));
        Console.WriteLine(string.Create(c, $"finishes: {Finished}/{Calls}, duplicated {Duplicated}, lost {Lost}; after hangup p50 {S(FinishPercentile(50))} p99 {S(FinishPercentile(99))} max {S(FinishPercentile(100))}"));
        Console.WriteLine(string.Create(c, $"requests: {RequestsPerCall:F2} per call; largest backlog {LargestBacklog} commands; drained {Drain.TotalSeconds:F1} s after the last call"));
        Console.WriteLine(string.Create(c,
            $"load: R={o.Rate} cards p99 {S(CardPercentile(99))} in-ring {InRingShare:F1}% finishes {Finished}/{Calls} dup {Duplicated} lost {Lost} req/call {RequestsPerCall:F2} drain {Drain.TotalSeconds:F1} s"));
    }

    private static string S(double seconds) =>
        double.IsPositiveInfinity(seconds) ? "never" : double.IsNaN(seconds) ? "-" : seconds.ToString("F2", CultureInfo.InvariantCulture) + " s";
}
