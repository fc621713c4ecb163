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

    /// <summary>What the service keeps (and stores): the calls not over yet.</summary>
    public IEnumerable<CallState> LiveCalls => Calls.Where(c => !c.IsOver);

    public static Switchboard Run(IEnumerable<ChannelEvent> events, CallSettings? settings = null)
    {
        var board = new Switchboard(settings);
        board.FeedAll(events);
        return board;
    }

    /// <summary>A restarted service: the stored calls, and the router derived from them.</summary>
    public static Switchboard Restore(IEnumerable<CallState> stored, CallSettings? settings = null)
    {
        var board = new Switchboard(settings);
        foreach (CallState call in stored)
        {
            board.Put(call);
        }

        board.Router = CallRouter.Rebuild(board.Calls);
        return board;
    }

    public void FeedAll(IEnumerable<ChannelEvent> events)
    {
        foreach (ChannelEvent e in events)
        {
            Feed(e);
        }
    }

    public void Feed(ChannelEvent e)
    {
        (CallRouter router, IReadOnlyList<RoutedEvent> routed) = Router.RouteAll(e);
        Router = router;
        foreach ((string key, ChannelEvent one) in routed)
        {
            (CallState next, IReadOnlyList<CallCommand> commands) = _reducer.Reduce(_calls.GetValueOrDefault(key) ?? CallState.Start(key), one);
            Put(next);
            Commands.AddRange(commands);
            Router = next.IsOver ? Router.Forget(next.CallKey) : Router;
        }
    }

    /// <summary>After a gap: every live call reconciled with FreeSWITCH's channels, the router trimmed to them.</summary>
    public void Reconcile(IReadOnlySet<string> live, DateTimeOffset now, DateTimeOffset? seenUntil = null, IReadOnlySet<string>? answered = null)
    {
        foreach (CallState call in LiveCalls.ToList())
        {
            (CallState next, IReadOnlyList<CallCommand> commands) = _reducer.Reconcile(call, live, now, seenUntil, answered);
            Put(next);
            Commands.AddRange(commands);
        }

        Router = Router.KeepOnly(live);
    }

    /// <summary>The periodic sweep: idle calls ended, their legs forgotten.</summary>
    public void Expire(DateTimeOffset now)
    {
        foreach (CallState call in LiveCalls.ToList())
        {
            (CallState next, IReadOnlyList<CallCommand> commands) = _reducer.Expire(call, now);
            Put(next);
            Commands.AddRange(commands);
            Router = next.IsOver ? Router.Forget(next.CallKey) : Router;
        }
    }

    private void Put(CallState call)
    {
        int i = Calls.FindIndex(c => c.CallKey == call.CallKey);
        if (i < 0)
        {
            Calls.Add(call);
        }
        else
        {
            Calls[i] = call;
        }

        _calls[call.CallKey] = call;
    }
}
