namespace FsBitrix.Core.Queues;

/// <summary>How a queue picks the agents it rings; configured by the names in <see cref="QueueStrategyNames"/>.</summary>
public enum QueueStrategy
{
    /// <summary><c>ring-all</c>: every free agent at once; the first to answer wins, FreeSWITCH cancels the rest.</summary>
    RingAll,

    /// <summary><c>sequential</c>: one agent at a time, always from the top of the list (mod_callcenter's top-down).</summary>
    Sequential,

    /// <summary><c>round-robin</c>: one at a time, starting after the agent the queue offered its previous call to.</summary>
    RoundRobin,

    /// <summary><c>longest-idle</c>: one at a time, the agent whose last answered call ended longest ago first.</summary>
    LongestIdle,
}

/// <summary>The strategy names admins write in <c>FsBitrix:Queues:*:Strategy</c>.</summary>
public static class QueueStrategyNames
{
    public const string RingAll = "ring-all";
    public const string Sequential = "sequential";
    public const string RoundRobin = "round-robin";
    public const string LongestIdle = "longest-idle";

    public static string NameOf(QueueStrategy strategy) => strategy switch
    {
        QueueStrategy.RingAll => RingAll,
        QueueStrategy.Sequential => Sequential,
        QueueStrategy.RoundRobin => RoundRobin,
        QueueStrategy.LongestIdle => LongestIdle,
        _ => throw new ArgumentOutOfRangeException(nameof(strategy), strategy, null),
    };

    public static bool TryParse(string? name, out QueueStrategy strategy)
    {
        QueueStrategy? found = name?.Trim().ToUpperInvariant() switch
        {
            "RING-ALL" => QueueStrategy.RingAll,
            "SEQUENTIAL" => QueueStrategy.Sequential,
            "ROUND-ROBIN" => QueueStrategy.RoundRobin,
            "LONGEST-IDLE" => QueueStrategy.LongestIdle,
            _ => null,
        };
        strategy = found.GetValueOrDefault();
        return found.HasValue;
    }
}
