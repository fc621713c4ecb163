using FsBitrix.Core.Calls;
using FsBitrix.Core.Events;
using FsBitrix.Core.Routing;
using FsBitrix.Esl.Events;

namespace FsBitrix.Simulator.Tests.Support;

/// <summary>What the service's pipeline does with events, without Rx: ChannelEvent, route, reduce per call.</summary>
internal static class Switchboard
{
    public static List<CallCommand> Run(IEnumerable<EslEvent> events, CallSettings? settings = null)
    {
        var reducer = new CallReducer(settings ?? new CallSettings());
        var calls = new Dictionary<string, CallState>();
        CallRouter router = CallRouter.Empty;
        var commands = new List<CallCommand>();
        foreach (EslEvent raw in events)
        {
            if (ChannelEventFactory.From(raw) is not { } e)
            {
                continue;
            }

            (router, string? key) = router.Route(e);
            if (key is null)
            {
                continue;
            }

            (CallState next, IReadOnlyList<CallCommand> produced) = reducer.Reduce(calls.GetValueOrDefault(key) ?? CallState.Start(key), e);
            calls[key] = next;
            commands.AddRange(produced);
        }

        return commands;
    }
}
