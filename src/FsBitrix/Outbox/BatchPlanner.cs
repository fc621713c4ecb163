using FsBitrix.Core.Calls;

namespace FsBitrix.Outbox;

/// <summary>
/// Decides what one request to Bitrix24 carries: the due commands of many calls, up to a batch's 50, the most urgent
/// lane first, each call's commands in their order. Pure: the same queues always give the same plan.
/// </summary>
/// <remarks>
/// Cards whose moment passed are dropped here, before they cost a command: a show followed in its call's queue by the
/// hide of the same phone (it stopped ringing before the card could go), or by the call's finish (the call is over).
/// A show that may already have run (an earlier attempt) is dropped only for a finish, and its hide still goes.
/// Register and finish are never dropped.
/// </remarks>
internal static class BatchPlanner
{
    /// <param name="calls">Calls whose head is due, in the order to serve them (lane, then age).</param>
    /// <param name="commandsOf">How many batch commands a unit costs (a register that searches the CRM costs two).</param>
    /// <param name="batchable">False for a unit that must go on its own (a recording uploaded as a file).</param>
    /// <param name="held">True for a unit whose method the portal's operating-time limit holds back now.</param>
    public static BatchPlan Plan(IReadOnlyList<CallQueue> calls, DateTimeOffset now, int capacity,
        Func<OutboxEntry, int> commandsOf, Func<OutboxEntry, bool> batchable, Func<OutboxEntry, bool>? held = null)
    {
        var chains = new List<(Lane Lane, long FirstId, CallChain Chain)>();
        var dropped = new List<OutboxEntry>();
        var alone = new List<OutboxEntry>();
        int room = capacity;
        bool full = false;
        foreach (CallQueue call in calls)
        {
            List<OutboxEntry> kept = Prune(call.Pending, dropped);
            var units = new List<OutboxEntry>();
            foreach (OutboxEntry unit in Units(kept))
            {
                if (unit.NotBefore > now || held?.Invoke(unit) == true)
                {
                    break;
                }

                if (!batchable(unit))
                {
                    if (units.Count == 0)
                    {
                        alone.Add(unit);
                    }

                    break;
                }

                int cost = commandsOf(unit);
                if (cost > room)
                {
                    full = true;
                    break;
                }

                room -= cost;
                units.Add(unit);

                // A head that failed before goes without the commands behind it until it is through: the portal is in
                // trouble, and a finish riding along would make every retry of the request one that may not be resent.
                if (units.Count == 1 && unit.Attempts > 0)
                {
                    break;
                }
            }

            if (units.Count > 0)
            {
                chains.Add((units[0].Lane, units[0].Id, new CallChain(call.CallKey, units)));
            }
        }

        // The store chose the calls by their heads; a dropped head can leave a call whose first unit is less urgent.
        List<CallChain> ordered = [.. chains.OrderBy(c => c.Lane).ThenBy(c => c.FirstId).Select(c => c.Chain)];
        return new BatchPlan(ordered, dropped, alone, full);
    }

    /// <summary>The call's queue without the cards whose moment has passed (added to <paramref name="dropped"/>).</summary>
    internal static List<OutboxEntry> Prune(IReadOnlyList<OutboxEntry> pending, List<OutboxEntry> dropped)
    {
        var kept = new List<OutboxEntry>(pending.Count);
        // Phones whose last show in this queue was dropped unsent: their hide has nothing to take down.
        var neverShown = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < pending.Count; i++)
        {
            OutboxEntry entry = pending[i];
            switch (entry.Command)
            {
                case ShowCard show when MomentPassed(pending, i, show.UserPhoneInner):
                    dropped.Add(entry);
                    if (entry.Attempts == 0)
                    {
                        neverShown.Add(show.UserPhoneInner);
                    }
                    else
                    {
                        neverShown.Remove(show.UserPhoneInner);
                    }

                    continue;
                case ShowCard show:
                    neverShown.Remove(show.UserPhoneInner);
                    break;
                case HideCard hide when neverShown.Remove(hide.UserPhoneInner):
                    dropped.Add(entry);
                    continue;
            }

            kept.Add(entry);
        }

        return kept;
    }

    // After the show, its call's finish (the call is over), or — for a show never attempted — the hide of the same
    // phone before any new show of it (the phone stopped ringing).
    private static bool MomentPassed(IReadOnlyList<OutboxEntry> pending, int showAt, string phone)
    {
        bool unsent = pending[showAt].Attempts == 0;
        for (int j = showAt + 1; j < pending.Count; j++)
        {
            switch (pending[j].Command)
            {
                case FinishCall:
                    return true;
                case HideCard hide when unsent && hide.UserPhoneInner == phone:
                    return true;
                case ShowCard again when again.UserPhoneInner == phone:
                    // A new show of the same phone decides for itself; this one is superseded only if unsent.
                    return unsent;
            }
        }

        return false;
    }

    /// <summary>
    /// The queue as units: consecutive card commands become one (a head with followers, at most 50 cards); cards written
    /// after the head ride with it once it is due, as a ring group's shows do.
    /// </summary>
    private static IEnumerable<OutboxEntry> Units(List<OutboxEntry> kept)
    {
        for (int i = 0; i < kept.Count;)
        {
            OutboxEntry head = kept[i++];
            if (head.Command is not (ShowCard or HideCard))
            {
                yield return head;
                continue;
            }

            var followers = new List<OutboxEntry>();
            while (i < kept.Count && followers.Count < 49 && kept[i].Command is ShowCard or HideCard)
            {
                followers.Add(kept[i++]);
            }

            yield return followers.Count == 0 ? head : head with { Followers = followers };
        }
    }
}
