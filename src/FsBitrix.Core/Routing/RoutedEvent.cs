using FsBitrix.Core.Events;

namespace FsBitrix.Core.Routing;

/// <summary>One event for one call, as <see cref="CallRouter.RouteAll"/> hands it on.</summary>
public readonly record struct RoutedEvent(string CallKey, ChannelEvent Event);
