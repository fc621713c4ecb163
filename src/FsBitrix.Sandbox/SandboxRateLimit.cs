namespace FsBitrix.Sandbox;

/// <summary>The sandbox portal's request limit; defaults to the non-Enterprise plans (2/s, burst 50).</summary>
public sealed record SandboxRateLimit
{
    public static SandboxRateLimit Standard { get; } = new();

    public static SandboxRateLimit Enterprise { get; } = new() { DrainPerSecond = 5, Burst = 250 };

    /// <summary>No limit: for benchmarks.</summary>
    public static SandboxRateLimit None { get; } = new() { Unlimited = true };

    public double DrainPerSecond { get; init; } = 2;

    public int Burst { get; init; } = 50;

    public bool Unlimited { get; init; }
}
