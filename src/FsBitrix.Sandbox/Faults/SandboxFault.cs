namespace FsBitrix.Sandbox.Faults;

/// <summary>One fault switch. <see cref="Count"/> null means until <see cref="SandboxFaults.Clear"/>.</summary>
public sealed record SandboxFault(SandboxFaultKind Kind)
{
    /// <summary>How many matching requests it affects; null = every one until cleared.</summary>
    public int? Count { get; init; }

    /// <summary>Methods it applies to (any case, without <c>.json</c>); null = all (for WrongAuthType: register and finish).</summary>
    public IReadOnlyCollection<string>? Methods { get; init; }

    /// <summary>For <see cref="SandboxFaultKind.Latency"/>: how long the answer is held back.</summary>
    public TimeSpan Latency { get; init; } = TimeSpan.FromSeconds(1);
}
