using System.Text.Json;
using FsBitrix.Bitrix24.Json;

namespace FsBitrix.Bitrix24.Retry;

/// <summary>
/// Per-method memory of Bitrix24's execution-time limit ("operating": each method's run time summed over ten
/// one-minute buckets, <c>429 OPERATION_TIME_LIMIT</c> past the limit). A method is held back — by this client and by
/// whoever plans requests with <see cref="HeldUntil"/> — while the portal blocks it, and also shortly before: once its
/// time reaches <see cref="OperatingOptions.SlowDownAt"/> of the limit it waits for the oldest minute to be released,
/// instead of running into the 429 and failing a whole batch's worth of commands.
/// </summary>
/// <remarks>
/// The time used is what the portal last reported (<c>time.operating</c>), or, when it reports none (batch commands
/// carry only their <c>duration</c>), this client's own sum of the durations it saw: whichever is larger.
/// </remarks>
public sealed class OperatingLimits(TimeProvider time, OperatingOptions? options = null)
{
    private static readonly TimeSpan FallbackBlock = TimeSpan.FromMinutes(1);
    private const int Buckets = 10;
    private readonly OperatingOptions _options = options ?? new OperatingOptions();
    private readonly Lock _gate = new();
    private readonly Dictionary<string, MethodTime> _methods = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>A successful answer's <c>time</c> block (of a request, or of one command in a batch).</summary>
    public void Observe(string method, JsonElement? timeBlock)
    {
        double? operating = timeBlock is { } t ? JsonRead.Double(t, "operating") : null;
        DateTimeOffset? resetAt = timeBlock is { } r && JsonRead.Double(r, "operating_reset_at") is { } reset
            ? DateTimeOffset.FromUnixTimeMilliseconds((long)(reset * 1000)) : null;
        double duration = timeBlock is { } d ? JsonRead.Double(d, "duration") ?? 0 : 0;
        lock (_gate)
        {
            MethodTime m = Of(method);
            m.BlockedUntil = null;
            // An answer without the figure (a batch command's result_time) leaves the last one the portal gave.
            (m.Reported, m.ResetAt) = operating is null ? (m.Reported, m.ResetAt) : (operating, resetAt ?? m.ResetAt);
            long minute = Minute();
            m.Durations[minute] = m.Durations.GetValueOrDefault(minute) + duration;
        }
    }

    /// <summary>The method answered 429: it stays blocked until the reset the answer (or an earlier one) gave.</summary>
    public DateTimeOffset Block(string method, DateTimeOffset? resetAtFromError)
    {
        DateTimeOffset now = time.GetUtcNow();
        lock (_gate)
        {
            MethodTime m = Of(method);
            DateTimeOffset until = resetAtFromError ?? (m.ResetAt is { } last && last > now ? last : now + FallbackBlock);
            m.BlockedUntil = until;
            return until;
        }
    }

    /// <summary>Blocked by the portal (429) and not yet released.</summary>
    public DateTimeOffset? BlockedUntil(string method)
    {
        lock (_gate)
        {
            return _methods.TryGetValue(method, out MethodTime? m) && m.BlockedUntil is { } until && until > time.GetUtcNow() ? until : null;
        }
    }

    /// <summary>Until when <paramref name="method"/> should not be sent: blocked, or too close to its limit; null: go.</summary>
    public DateTimeOffset? HeldUntil(string method)
    {
        DateTimeOffset now = time.GetUtcNow();
        lock (_gate)
        {
            if (!_methods.TryGetValue(method, out MethodTime? m))
            {
                return null;
            }

            if (m.BlockedUntil is { } until && until > now)
            {
                return until;
            }

            double used = Math.Max(Reported(m, now), Estimated(m));
            if (used < _options.Limit.TotalSeconds * _options.SlowDownAt)
            {
                return null;
            }

            // Close to the limit: wait for the oldest minute to go, which is when the portal's sum drops.
            DateTimeOffset release = m.ResetAt is { } reset && reset > now ? reset : OldestRelease(m) ?? now + FallbackBlock;
            return release > now ? release : null;
        }
    }

    /// <summary>The time <paramref name="method"/> has used in the portal's window, as best known (seconds).</summary>
    public double Used(string method)
    {
        lock (_gate)
        {
            return _methods.TryGetValue(method, out MethodTime? m) ? Math.Max(Reported(m, time.GetUtcNow()), Estimated(m)) : 0;
        }
    }

    // What the portal last said, while it holds: past its reset the portal's sum has dropped by at least a minute's
    // worth, by how much is unknown, and this client's own sum of durations is the better figure.
    private static double Reported(MethodTime m, DateTimeOffset now) => m.ResetAt is { } reset && reset > now ? m.Reported ?? 0 : 0;

    private double Estimated(MethodTime m)
    {
        long now = Minute();
        foreach (long old in m.Durations.Keys.Where(k => k <= now - Buckets).ToList())
        {
            m.Durations.Remove(old);
        }

        return m.Durations.Values.Sum();
    }

    private static DateTimeOffset? OldestRelease(MethodTime m) =>
        m.Durations.Count > 0 ? DateTimeOffset.FromUnixTimeSeconds((m.Durations.Keys.First() + Buckets) * 60) : null;

    private MethodTime Of(string method)
    {
        if (!_methods.TryGetValue(method, out MethodTime? m))
        {
            _methods[method] = m = new MethodTime();
        }

        return m;
    }

    private long Minute() => time.GetUtcNow().ToUnixTimeSeconds() / 60;

    private sealed class MethodTime
    {
        public SortedDictionary<long, double> Durations { get; } = [];

        public double? Reported { get; set; }

        public DateTimeOffset? ResetAt { get; set; }

        public DateTimeOffset? BlockedUntil { get; set; }
    }
}

/// <summary>The portal's operating-time limit as this client paces to it.</summary>
public sealed record OperatingOptions
{
    /// <summary>Per method per ten minutes; Bitrix24's documented example (cloud) is 480 s.</summary>
    public TimeSpan Limit { get; init; } = TimeSpan.FromSeconds(480);

    /// <summary>Share of <see cref="Limit"/> at which a method is held until its oldest minute is released.</summary>
    public double SlowDownAt { get; init; } = 0.9;
}
