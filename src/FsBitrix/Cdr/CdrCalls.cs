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
        /// <summary>Every UUID the call's legs are or name: any of them known as a call seen live means skip it.</summary>
        public IEnumerable<string> Uuids => Legs.SelectMany(l => (IEnumerable<string>)[l.Uuid, .. Links(l)]).Distinct();
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
}
