namespace FsBitrix.Simulator.Demo;

/// <summary>The little company the demo's calls come from and go to, and how busy it is.</summary>
public sealed record DemoOptions
{
    public IReadOnlyList<string> Extensions { get; init; } = ["1001", "1002", "1003"];

    public IReadOnlyList<string> Customers { get; init; } = ["+79161234567", "+79031112233", "+79257654321", "+74997001122"];

    public IReadOnlyList<string> Dids { get; init; } = ["74951234567", "74951234568"];

    /// <summary>Numbers agents dial out to (Russian long-distance form, as the PSTN gateway expects).</summary>
    public IReadOnlyList<string> OutboundNumbers { get; init; } = ["89161234567", "89031112233", "84951112233"];

    /// <summary>Virtual time between the starts of two calls: a random span in this range.</summary>
    public TimeSpan MinPause { get; init; } = TimeSpan.FromSeconds(4);

    public TimeSpan MaxPause { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Calls up at the same time, at most.</summary>
    public int MaxConcurrentCalls { get; init; } = 2;

    /// <summary>
    /// A second company on the same switch (its FreeSWITCH domain, as FusionPBX names domains): a quarter of the calls
    /// are its, to its own DIDs and its own extensions 1001 and 1002; null: one company.
    /// </summary>
    public string? SecondDomain { get; init; }

    public IReadOnlyList<string> SecondDids { get; init; } = ["74951234577"];

    public IReadOnlyList<string> SecondExtensions { get; init; } = ["1001", "1002"];

    /// <summary>Fixed seed for a repeatable sequence; null for a different one each run.</summary>
    public int? Seed { get; init; }
}
