namespace FsBitrix.Sandbox;

/// <summary>
/// The portal's per-method execution-time limit ("operating"): each method's run time is summed over ten one-minute
/// buckets; past <see cref="Limit"/> the method answers <c>429 OPERATION_TIME_LIMIT</c> (in a batch: that command's
/// <c>result_error</c>) until the oldest bucket is released, while other methods go on. The outer <c>batch</c> costs
/// nothing; each command in it costs its own. Off unless <see cref="Limit"/> is set.
/// </summary>
public sealed record SandboxOperating
{
    /// <summary>The cloud's documented example: 480 s per method per ten minutes, register 0.2 s a call.</summary>
    public static SandboxOperating Cloud { get; } = new() { Limit = TimeSpan.FromSeconds(480) };

    /// <summary>Null: no limit, every answer says operating 0 (as on-premise portals, where it is off by default).</summary>
    public TimeSpan? Limit { get; init; }

    /// <summary>What one run of a method costs; methods not listed cost <see cref="DefaultCost"/>.</summary>
    public IReadOnlyDictionary<string, TimeSpan> Costs { get; init; } = new Dictionary<string, TimeSpan>(StringComparer.OrdinalIgnoreCase)
    {
        ["telephony.externalcall.register"] = TimeSpan.FromSeconds(0.2),
        ["telephony.externalcall.finish"] = TimeSpan.FromSeconds(0.1),
        ["telephony.externalcall.attachrecord"] = TimeSpan.FromSeconds(0.1),
    };

    public TimeSpan DefaultCost { get; init; } = TimeSpan.FromSeconds(0.02);

    public TimeSpan CostOf(string method) => Costs.TryGetValue(method, out TimeSpan cost) ? cost : DefaultCost;
}
