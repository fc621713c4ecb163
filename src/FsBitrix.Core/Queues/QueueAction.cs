using System.Collections.Immutable;

namespace FsBitrix.Core.Queues;

/// <summary>
/// What the planner asks the service to do on FreeSWITCH; cards follow from the legs' own events. Actions that carry
/// extensions compare them by content, so two equal steps give equal actions.
/// </summary>
public abstract record QueueAction;

/// <summary>
/// Ring these phones for <see cref="Timeout"/>: one <c>bridge</c> on the caller's channel, a leg per extension
/// (several: ring-all, comma-separated). When it ends unanswered or the timeout passes, call
/// <see cref="QueuePlanner.OnAgentTimeout"/> with <see cref="Attempt"/>.
/// </summary>
public sealed record RingAgents(ImmutableArray<string> Extensions, TimeSpan Timeout, int Attempt) : QueueAction
{
    public bool Equals(RingAgents? other) =>
        other is not null && Extensions.SequenceEqual(other.Extensions) && Timeout == other.Timeout && Attempt == other.Attempt;

    public override int GetHashCode() => HashCode.Combine(Extensions.Length, Timeout, Attempt);
}

/// <summary>Hang up these extensions' ringing legs of this call (FreeSWITCH may have done it already: harmless).</summary>
public sealed record StopRinging(ImmutableArray<string> Extensions) : QueueAction
{
    public bool Equals(StopRinging? other) => other is not null && Extensions.SequenceEqual(other.Extensions);

    public override int GetHashCode() => Extensions.Length;
}

/// <summary>The caller talks to this agent now; with the bridge app FreeSWITCH has already joined them.</summary>
public sealed record BridgeTo(string Extension) : QueueAction;

/// <summary>The queue gave up: send the caller to the target (transfer, another queue, or hang up with the cause).</summary>
public sealed record Fallback(QueueFallback Target) : QueueAction;

/// <summary>The caller hung up in the queue: a missed call (Bitrix24 304), offered to these agents, the last one last.</summary>
public sealed record FinishMissed(ImmutableArray<string> OfferedTo) : QueueAction
{
    public bool Equals(FinishMissed? other) => other is not null && OfferedTo.SequenceEqual(other.OfferedTo);

    public override int GetHashCode() => OfferedTo.Length;
}
