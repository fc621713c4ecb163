using FsBitrix.Core.Events;

namespace FsBitrix.Core.Tests.Support;

/// <summary>A capture split where a socket would drop: the events seen, and those that came after.</summary>
internal sealed record Cut(IReadOnlyList<ChannelEvent> Seen, IReadOnlyList<ChannelEvent> Rest)
{
    /// <summary>Split just after the first event of <paramref name="kind"/> on leg <paramref name="uuid"/>.</summary>
    public static Cut After(string file, string uuid, ChannelEventKind kind)
    {
        IReadOnlyList<ChannelEvent> events = Captures.Events(file);
        int i = events.ToList().FindIndex(e => e.UniqueId == uuid && e.Kind == kind);
        if (i < 0)
        {
            throw new InvalidOperationException($"{file}: no {kind} on {uuid}");
        }

        return new Cut(events.Take(i + 1).ToList(), events.Skip(i + 1).ToList());
    }

    public DateTimeOffset LastSeenAt => Seen[^1].Timestamp!.Value;
}
