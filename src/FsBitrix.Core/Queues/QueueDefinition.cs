using System.Collections.Immutable;

namespace FsBitrix.Core.Queues;

/// <summary>
/// One named queue from <c>FsBitrix:Queues</c>. <see cref="Agents"/> are extensions, in the order the admin listed
/// them: agents configured as Bitrix24 users are resolved to their extensions by the service before it builds this.
/// </summary>
public sealed record QueueDefinition(string Name, ImmutableArray<string> Agents, QueueStrategy Strategy)
{
    /// <summary>How long one agent's phone rings (ring-all: how long one round rings everybody).</summary>
    public TimeSpan RingTimeout { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>From entering the queue to the <see cref="Fallback"/>, the responsible rep's turn included.</summary>
    public TimeSpan MaxWait { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>After an answered call ends, the agent gets this long to write notes before the queue rings them.</summary>
    public TimeSpan WrapUp { get; init; } = TimeSpan.Zero;

    /// <summary>How long the client's responsible rep rings alone before the queue; zero: straight to the queue.</summary>
    public TimeSpan ResponsibleFirst { get; init; } = TimeSpan.FromSeconds(15);

    public QueueFallback Fallback { get; init; } = QueueFallback.NoAnswer;

    /// <summary>
    /// The company's FreeSWITCH domain for a queue of <c>FsBitrix:Tenants</c> (its agents are then
    /// <c>1001@domain</c>, see <see cref="AgentAddress"/>); null for the default company's.
    /// </summary>
    public string? Domain { get; init; }

    /// <summary>Unique across companies (two may each have a "support"): the name, with <c>@domain</c> for a company's.</summary>
    public string Key => Domain is null ? Name : $"{Name}@{Domain}";
}
