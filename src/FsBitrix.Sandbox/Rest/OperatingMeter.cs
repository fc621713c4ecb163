namespace FsBitrix.Sandbox.Rest;

/// <summary>
/// Keeps <see cref="SandboxOperating"/>: per method, the run time of each of the last ten minutes. Integer
/// milliseconds of the injected clock, so a test drives it exactly.
/// </summary>
internal sealed class OperatingMeter(SandboxOperating settings, TimeProvider time)
{
    private const int Buckets = 10;
    private readonly Dictionary<string, SortedDictionary<long, double>> _used = new(StringComparer.OrdinalIgnoreCase);
    private readonly Lock _gate = new();

    public SandboxOperating Settings { get; set; } = settings;

    /// <summary>Off (no limit): answers carry the plain <c>time</c> block, operating 0.</summary>
    public bool On => Settings.Limit is not null;

    /// <summary>Refused now (429): the method's sum has reached the limit; when its oldest minute is released.</summary>
    public bool Blocked(string method, out DateTimeOffset resetAt)
    {
        lock (_gate)
        {
            (double sum, long oldest) = Sum(method);
            resetAt = ResetAt(oldest);
            return Settings.Limit is { } limit && sum >= limit.TotalSeconds;
        }
    }

    /// <summary>Counts one run; returns what the answer's <c>time</c> block says: its cost, the sum, the reset.</summary>
    public (double Cost, double Operating, DateTimeOffset ResetAt) Run(string method)
    {
        double cost = Settings.Limit is null ? 0 : Settings.CostOf(method).TotalSeconds;
        lock (_gate)
        {
            long minute = Minute();
            if (!_used.TryGetValue(method, out SortedDictionary<long, double>? minutes))
            {
                _used[method] = minutes = [];
            }

            minutes[minute] = minutes.GetValueOrDefault(minute) + cost;
            (double sum, long oldest) = Sum(method);
            return (cost, sum, ResetAt(oldest));
        }
    }

    private (double Sum, long Oldest) Sum(string method)
    {
        long now = Minute();
        if (!_used.TryGetValue(method, out SortedDictionary<long, double>? minutes))
        {
            return (0, now);
        }

        foreach (long old in minutes.Keys.Where(m => m <= now - Buckets).ToList())
        {
            minutes.Remove(old);
        }

        return (minutes.Values.Sum(), minutes.Count > 0 ? minutes.Keys.First() : now);
    }

    private static DateTimeOffset ResetAt(long oldestMinute) => DateTimeOffset.FromUnixTimeSeconds((oldestMinute + Buckets) * 60);

    private long Minute() => time.GetUtcNow().ToUnixTimeSeconds() / 60;
}
