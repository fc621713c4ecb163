namespace FsBitrix.Bitrix24.RateLimiting;

/// <summary>
/// Bitrix24's request limit per portal and source IP: a bucket of <see cref="Burst"/> requests that drains
/// <see cref="DrainPerSecond"/> per second. Defaults are the non-Enterprise plans (2/s, 50).
/// </summary>
public sealed record LeakyBucketOptions
{
    public static LeakyBucketOptions Standard { get; } = new();

    public static LeakyBucketOptions Enterprise { get; } = new() { DrainPerSecond = 5, Burst = 250 };

    /// <summary>No limit at all: for benchmarks against an unlimited sandbox only.</summary>
    public static LeakyBucketOptions Unlimited { get; } = new() { IsUnlimited = true };

    public double DrainPerSecond { get; init; } = 2;

    public int Burst { get; init; } = 50;

    public bool IsUnlimited { get; init; }

    internal void Validate()
    {
        if (IsUnlimited)
        {
            return;
        }

        if (!(DrainPerSecond > 0) || double.IsInfinity(DrainPerSecond))
        {
            throw new ArgumentOutOfRangeException(nameof(DrainPerSecond), DrainPerSecond, "Drain rate must be a positive number of requests per second.");
        }

        if (Burst < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Burst), Burst, "Burst must be at least one request.");
        }
    }
}
