using System.Collections.Immutable;

namespace FsBitrix.Core.Queues;

/// <summary>
/// One caller's way through a queue, keyed like the call (the customer's leg UUID, the socket's channel).
/// <see cref="Attempt"/> numbers each ring, so a late timer of an earlier ring is told apart and ignored.
/// </summary>
public sealed record QueueCallState(string CallKey, string Queue, DateTimeOffset EnteredAt)
{
    public QueueCallPhase Phase { get; init; } = QueueCallPhase.Waiting;

    /// <summary>Extensions ringing now for this call.</summary>
    public ImmutableArray<string> Ringing { get; init; } = [];

    public int Attempt { get; init; }

    /// <summary>The responsible rep had their turn (rang, or was busy, or there was none).</summary>
    public bool ResponsibleOffered { get; init; }

    /// <summary>What rings now is the rep's own turn, not the queue's.</summary>
    public bool RingingResponsible { get; init; }

    /// <summary>When the queue's current round began (ring-all: each ring is a round).</summary>
    public DateTimeOffset? RoundStartedAt { get; init; }

    /// <summary>Agents offered in this round (one-at-a-time strategies); a new round starts when all free ones were.</summary>
    public ImmutableHashSet<string> TriedThisRound { get; init; } = ImmutableHashSet.Create<string>(StringComparer.Ordinal);

    /// <summary>Every extension offered the call, in order (the finish of a missed call names the last one).</summary>
    public ImmutableArray<string> OfferedTo { get; init; } = [];

    public string? AnsweredBy { get; init; }

    /// <summary>Queues this caller went through, this one last: a fallback back into one of them hangs up instead.</summary>
    public ImmutableArray<string> QueuesVisited { get; init; } = [];

    public bool IsOver => Phase is QueueCallPhase.Bridged or QueueCallPhase.FellBack or QueueCallPhase.Abandoned;

    public static QueueCallState Enter(string callKey, QueueDefinition queue, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(queue);
        return new QueueCallState(callKey, queue.Name, now) { QueuesVisited = [queue.Name] };
    }

    /// <summary>
    /// The caller moves on to the fallback queue (after a <see cref="Fallback"/> to <see cref="QueueFallback.Queue"/>):
    /// a fresh wait there, the rep not rung again, attempts still counting so older timers stay stale.
    /// </summary>
    public QueueCallState FallBackInto(QueueDefinition queue, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(queue);
        return this with
        {
            Queue = queue.Name,
            EnteredAt = now,
            Phase = QueueCallPhase.Waiting,
            Ringing = [],
            ResponsibleOffered = true,
            RingingResponsible = false,
            RoundStartedAt = null,
            TriedThisRound = TriedThisRound.Clear(),
            QueuesVisited = QueuesVisited.Add(queue.Name),
        };
    }
}
