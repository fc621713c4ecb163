using FsBitrix.Core.Events;

namespace FsBitrix.Core.Routing;

// Pickup and intercept: a phone dials a code (`*8`, `**1001`), which makes a new inbound leg that names no other leg;
// FreeSWITCH then bridges it to the ringing call. Until that CHANNEL_BRIDGE the phone's leg is a call of its own (an
// internal call to a feature code); from it on, the leg belongs to the call it took over, and the card follows it.
public sealed partial record CallRouter
{
    /// <summary>
    /// Routes an event like <see cref="Route"/>, and moves a leg between calls when a bridge joins a phone's own leg
    /// to another call: the call that loses the leg gets a <see cref="ChannelEventKind.LegLeft"/>, the call that
    /// gains it a <see cref="ChannelEventKind.LegJoined"/> and then the bridge itself.
    /// </summary>
    public (CallRouter Router, IReadOnlyList<RoutedEvent> Events) RouteAll(ChannelEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (e.Kind == ChannelEventKind.Bridge && TakeOver(e) is { } takeover)
        {
            return takeover;
        }

        (CallRouter router, string? key) = Route(e);
        return (router, key is null ? [] : [new RoutedEvent(key, e)]);
    }

    private (CallRouter, IReadOnlyList<RoutedEvent>)? TakeOver(ChannelEvent bridge)
    {
        if (bridge.UniqueId is not { } own || bridge.OtherLegUniqueId is not { } other
            || !CallOfLeg.TryGetValue(own, out string? ownCall) || !CallOfLeg.TryGetValue(other, out string? otherCall)
            || ownCall == otherCall)
        {
            return null;
        }

        // The leg created later is the one that came to take the call (the call was ringing before the phone dialled
        // the code). FreeSWITCH fires the bridge on either side: pickup on the ringing call's leg, an intercept on
        // the interceptor's. Without creation times, the other leg is the newcomer, as in pickup.
        bool otherIsNewer = (bridge.OtherLegCreatedAt, bridge.CreatedAt) is not ({ } o, { } m) || o >= m;
        (string moving, string from, string to, string staying) = otherIsNewer
            ? (other, otherCall, ownCall, own)
            : (own, ownCall, otherCall, other);

        // Only a phone's own leg moves: the first and only live leg of its call. A bridge between two calls that each
        // hold a client (two separate calls joined by a transfer) keeps both calls as they are.
        if (moving != from || CallOfLeg.Count(kv => kv.Value == from) != 1)
        {
            return null;
        }

        string? extension = otherIsNewer ? bridge.OtherLegOrigCallerIdNumber : bridge.OrigCallerIdNumber;
        var left = new ChannelEvent(ChannelEventKind.LegLeft, moving, bridge.Timestamp) { OtherLegUniqueId = staying };
        var joined = new ChannelEvent(ChannelEventKind.LegJoined, moving, bridge.Timestamp)
        {
            OtherLegUniqueId = staying,
            OrigCallerIdNumber = extension,
        };
        CallRouter next = (this with { CallOfLeg = CallOfLeg.SetItem(moving, to) }).WithoutCallIdsOf([from]);
        return (next, [new RoutedEvent(from, left), new RoutedEvent(to, joined), new RoutedEvent(to, bridge)]);
    }
}
