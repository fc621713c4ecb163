using FsBitrix.Core.Events;

namespace FsBitrix.Core.Tests.Support;

/// <summary>New event sequences made from captured ones.</summary>
internal static class Sequences
{
    /// <summary>The same events with leg UUIDs replaced wherever they appear.</summary>
    public static IEnumerable<ChannelEvent> Rename(IEnumerable<ChannelEvent> events, IReadOnlyDictionary<string, string> uuids) =>
        events.Select(e => Rename(e, uuids));

    public static ChannelEvent Rename(ChannelEvent e, IReadOnlyDictionary<string, string> uuids)
    {
        string? R(string? s) => s is not null && uuids.TryGetValue(s, out string? n) ? n : s;
        return e with
        {
            UniqueId = R(e.UniqueId),
            Originator = R(e.Originator),
            OtherLegUniqueId = R(e.OtherLegUniqueId),
            ChannelCallUuid = R(e.ChannelCallUuid),
            OriginationUuid = R(e.OriginationUuid),
            BridgeAUniqueId = R(e.BridgeAUniqueId),
            BridgeBUniqueId = R(e.BridgeBUniqueId),
            CcMemberSessionUuid = R(e.CcMemberSessionUuid),
            OtherLoopbackLegUuid = R(e.OtherLoopbackLegUuid),
            OtherLoopbackFromUuid = R(e.OtherLoopbackFromUuid),
            RecordFilePath = e.RecordFilePath is null ? null : uuids.Aggregate(e.RecordFilePath, (p, kv) => p.Replace(kv.Key, kv.Value, StringComparison.Ordinal)),
        };
    }

    /// <summary>Every event of one leg followed by a copy of it for a new leg to another extension.</summary>
    public static IEnumerable<ChannelEvent> DuplicateLeg(IEnumerable<ChannelEvent> events, string leg, string newLeg, string extension)
    {
        foreach (ChannelEvent e in events)
        {
            yield return e;
            if (e.UniqueId == leg)
            {
                ChannelEvent copy = e with { UniqueId = newLeg };
                copy = copy.DestinationNumber is null ? copy : copy with { DestinationNumber = extension, CalleeIdNumber = extension };
                yield return copy with
                {
                    DialedUser = copy.DialedUser is null ? null : extension,
                    PresenceId = copy.PresenceId?.Split('@') is { } p ? string.Join('@', [extension, .. p.Skip(1)]) : null,
                };
            }
        }
    }

    /// <summary>Two calls on one switch: merged by event time, the second shifted to start <paramref name="after"/> the first.</summary>
    public static IEnumerable<ChannelEvent> Overlap(IReadOnlyList<ChannelEvent> first, IReadOnlyList<ChannelEvent> second, TimeSpan after)
    {
        TimeSpan shift = first[0].Timestamp!.Value + after - second[0].Timestamp!.Value;
        IEnumerable<ChannelEvent> moved = second.Select(e => e with { Timestamp = e.Timestamp + shift });
        return first.Concat(moved).OrderBy(e => e.Timestamp); // OrderBy is stable: each call keeps its order
    }

    public static IEnumerable<ChannelEvent> Replace(IEnumerable<ChannelEvent> events, Func<ChannelEvent, bool> match, Func<ChannelEvent, ChannelEvent> change) =>
        events.Select(e => match(e) ? change(e) : e);
}
