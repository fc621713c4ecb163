using System.Collections.Immutable;

namespace FsBitrix.Core.Queues;

// Which agents the queue rings next: the strategy's order over the free agents.
public static partial class QueuePlanner
{
    /// <returns>
    /// The agents to ring now (ring-all: every free one; otherwise the first free one in strategy order not yet rung
    /// in this round), and whether they start a new round.
    /// </returns>
    private static (ImmutableArray<string> Agents, bool NewRound) Pick(QueueCallState call, QueueDefinition queue,
        AgentPresence presence, string? cursor, DateTimeOffset now)
    {
        List<string> free = InStrategyOrder(queue, presence, cursor)
            .Where(a => presence.IsFree(a, call.CallKey, queue.WrapUp, now))
            .ToList();
        if (free.Count == 0)
        {
            return ([], false);
        }

        if (queue.Strategy == QueueStrategy.RingAll)
        {
            // Each ring is a round of its own: everybody free rings again, including whoever freed up meanwhile.
            return ([.. free], true);
        }

        string? next = free.Find(a => !call.TriedThisRound.Contains(a));
        return next is null ? ([free[0]], true) : ([next], call.RoundStartedAt is null);
    }

    private static IEnumerable<string> InStrategyOrder(QueueDefinition queue, AgentPresence presence, string? cursor)
    {
        IEnumerable<string> agents = queue.Agents.Distinct(StringComparer.Ordinal);
        return queue.Strategy switch
        {
            QueueStrategy.RoundRobin => AfterCursor(agents.ToList(), cursor),

            // Never-called agents (no end time) are the most idle; ties keep the admin's order (OrderBy is stable).
            QueueStrategy.LongestIdle => agents.OrderBy(a => presence.LastCallEnded.GetValueOrDefault(a, DateTimeOffset.MinValue)),
            _ => agents,
        };
    }

    // Continues after the agent the queue offered its previous call to, wrapping round; from the top if it is gone.
    private static IEnumerable<string> AfterCursor(List<string> agents, string? cursor)
    {
        int start = cursor is null ? 0 : agents.IndexOf(cursor) + 1;
        return agents.Skip(start).Concat(agents.Take(start));
    }
}
