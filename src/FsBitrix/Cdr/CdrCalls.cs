using FsBitrix.Core.Events;

namespace FsBitrix.Cdr;

/// <summary>
/// Which received legs make one call, and whether it is complete: legs are joined by what links them (who dialled a
/// leg, the queue member an agent leg served, a loopback's halves, the leg a phone was bridged to). A call is ready once
/// it has a leg nothing dialled (the caller's) and no leg of it came for a while, or when it waited too long.
/// </summary>
internal static class CdrCalls
{
    public sealed record Leg(string Uuid, IReadOnlyList<ChannelEvent> Events, DateTimeOffset ReceivedAt);

    public sealed record Call(IReadOnlyList<Leg> Legs)
    {
        /// <summary>
        /// The legs nothing dialled (the caller's, a phone that picked the call up): the outbox keys a call seen live by
        /// such a leg. A leg dialled by a leg never seen created may be a call of its own there (untracked), which
        /// says nothing about the call: only first legs are asked.
        /// </summary>
        public IEnumerable<string> FirstLegs => Legs.Where(IsFirstLeg).Select(l => l.Uuid);

        /// <summary>
        /// A click-to-call or callback (<c>bitrix_call_id</c>): the service placed it, so it saw it, or recovers it after
        /// a restart from its own record of the click; its ring-all legs must never be finished from CDRs.
        /// </summary>
        public bool PlacedByTheService => Legs.Any(l => l.Events[0].BitrixCallId is not null);

        /// <summary>When its first leg was created: calls are imported oldest first.</summary>
        public DateTimeOffset Began => Legs.Min(l => l.Events[0].Timestamp ?? DateTimeOffset.MaxValue);
    }

    public static List<Call> Ready(IReadOnlyList<Leg> legs, DateTimeOffset now, TimeSpan groupWait, TimeSpan maxWait)
    {
        var parent = legs.ToDictionary(l => l.Uuid, l => l.Uuid, StringComparer.Ordinal);
        string Find(string x)
        {
            while (parent[x] != x)
            {
                x = parent[x] = parent[parent[x]];
            }

            return x;
        }

        foreach (Leg leg in legs)
        {
            foreach (string other in Links(leg).Where(parent.ContainsKey))
            {
                parent[Find(leg.Uuid)] = Find(other);
            }
        }

        foreach ((string a, string b) in SameCallId(legs))
        {
            parent[Find(a)] = Find(b);
        }

        return [.. legs.GroupBy(l => Find(l.Uuid)).Select(g => new Call([.. g]))
            .Where(c => (c.Legs.Any(IsFirstLeg) && now - c.Legs.Max(l => l.ReceivedAt) >= groupWait)
                || now - c.Legs.Min(l => l.ReceivedAt) >= maxWait)];
    }

    private static bool IsFirstLeg(Leg leg) => leg.Events[0] is { Originator: null, CcMemberSessionUuid: null, LoopbackLeg: null };

    private static IEnumerable<string> Links(Leg leg)
    {
        ChannelEvent create = leg.Events[0];
        string? bridged = leg.Events.FirstOrDefault(e => e.Kind == ChannelEventKind.Bridge)?.OtherLegUniqueId;
        return new[] { create.Originator, create.CcMemberSessionUuid, create.OtherLoopbackLegUuid, create.OtherLoopbackFromUuid, bridged }
            .OfType<string>();
    }

    /// <summary>Legs of one originate to several phones share only the portal's CALL_ID: joined by it.</summary>
    private static IEnumerable<(string A, string B)> SameCallId(IReadOnlyList<Leg> legs) =>
        legs.Where(l => l.Events[0].BitrixCallId is not null).GroupBy(l => l.Events[0].BitrixCallId!)
            .SelectMany(g => g.Skip(1).Select(l => (g.First().Uuid, l.Uuid)));
}
