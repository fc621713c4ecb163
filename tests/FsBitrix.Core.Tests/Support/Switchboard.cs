using FsBitrix.Core.Calls;
using FsBitrix.Core.Events;
using FsBitrix.Core.Routing;

namespace FsBitrix.Core.Tests.Support;

/// <summary>What the service's Rx pipeline does, without Rx: route each event, reduce it in its call.</summary>
internal sealed class Switchboard(CallSettings? settings = null)
{
    private readonly CallReducer _reducer = new(settings ?? CallSettings.Default);
    private readonly Dictionary<string, CallState> _calls = [];

    public CallRouter Router { get; private set; } = CallRouter.Empty;

    public List<CallCommand> Commands { get; } = [];

    /// <summary>Calls in the order they started, with their final state.</summary>
    public List<CallState> Calls { get; } = [];

    public static Switchboard Run(IEnumerable<ChannelEvent> events, CallSettings? settings = null)
    {
        var board = new Switchboard(settings);
        foreach (ChannelEvent e in events)
        {
            board.Feed(e);
        }

        return board;
    }

    public void Feed(ChannelEvent e)
    {
        (CallRouter router, string? key) = Router.Route(e);
        Router = router;
        if (key is null)
        {
            return;
        }

        if (!_calls.TryGetValue(key, out CallState? state))
        {
            state = CallState.Start(key);
            Calls.Add(state);
        }

        (CallState next, IReadOnlyList<CallCommand> commands) = _reducer.Reduce(state, e);
        _calls[key] = next;
        Calls[Calls.FindIndex(c => c.CallKey == key)] = next;
        Commands.AddRange(commands);
    }
}
