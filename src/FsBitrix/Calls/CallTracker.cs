using System.Reactive.Linq;
using System.Reactive.Subjects;
using FsBitrix.Core.Calls;
using FsBitrix.Core.Events;
using FsBitrix.Core.Routing;
using FsBitrix.Outbox;
using Microsoft.Extensions.Logging;

namespace FsBitrix.Calls;

/// <summary>
/// The Rx plumbing between channel events and the outbox: route each event to its call, group by call, fold
/// each group with the pure reducer, and write every step (commands and state) to the outbox in order. A call's
/// group completes when the call is over, so memory holds live calls only.
/// </summary>
internal sealed partial class CallTracker : IDisposable
{
    private readonly CallReducer _reducer;
    private readonly OutboxStore _store;
    private readonly Action _delivered;
    private readonly ILogger _logger;
    private readonly Subject<string> _closing = new();
    private readonly Dictionary<string, CallState> _restored = new(StringComparer.Ordinal);
    private readonly HashSet<string> _open = new(StringComparer.Ordinal);
    private CallRouter _router = CallRouter.Empty;
    private IDisposable? _subscription;

    public CallTracker(CallReducer reducer, OutboxStore store, Action appended, ILogger<CallTracker> logger)
    {
        _reducer = reducer;
        _store = store;
        _delivered = appended;
        _logger = logger;
    }

    /// <summary>Calls currently followed.</summary>
    public int ActiveCalls
    {
        get
        {
            lock (_open)
            {
                return _open.Count;
            }
        }
    }

    /// <summary>Steps as they are written (after the outbox has them); for tests, the demo and metrics.</summary>
    public IObservable<CallStep> Steps => _steps.AsObservable();

    private readonly Subject<CallStep> _steps = new();

    public void Attach(IObservable<ChannelEvent> events)
    {
        _subscription = events
            .Select(Route)
            .Where(r => r.CallKey is not null)
            .GroupByUntil(r => r.CallKey!, r => r.Event, group => _closing.Where(k => k == group.Key))
            .SelectMany(group => group
                .Scan(new CallStep(group.Key, Seed(group.Key), []), (step, e) => Reduce(step, e))
                .Do(step => CloseIfOver(step)))
            .Select(step => Observable.FromAsync(ct => PersistAsync(step, ct)).Select(_ => step))
            .Concat()
            .Subscribe(
                step =>
                {
                    _delivered();
                    _steps.OnNext(step);
                },
                ex => LogPipelineFailed(ex));
    }

    public void Dispose()
    {
        _subscription?.Dispose();
        _closing.Dispose();
        _steps.Dispose();
    }

    private (string? CallKey, ChannelEvent Event) Route(ChannelEvent e)
    {
        (CallRouter router, string? key) = _router.Route(e);
        _router = router;
        return (key, e);
    }

    private CallState Seed(string callKey)
    {
        lock (_open)
        {
            _open.Add(callKey);
        }

        return _restored.Remove(callKey, out CallState? restored) ? restored : CallState.Start(callKey);
    }

    private CallStep Reduce(CallStep previous, ChannelEvent e)
    {
        (CallState state, IReadOnlyList<CallCommand> commands) = _reducer.Reduce(previous.State, e);
        return new CallStep(previous.CallKey, state, commands);
    }

    private void CloseIfOver(CallStep step)
    {
        if (step.State.IsOver)
        {
            lock (_open)
            {
                _open.Remove(step.CallKey);
            }

            _closing.OnNext(step.CallKey);
        }
    }

    /// <summary>The outbox write must not be lost: a failing disk is retried until it works, loudly.</summary>
    private async Task PersistAsync(CallStep step, CancellationToken cancellationToken)
    {
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                await _store.AppendAsync(step.CallKey, step.Commands, CallStateStorage.Serialize(step.State), step.State.IsOver,
                    cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogPersistFailed(ex, step.CallKey, attempt);
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(5000, 100 * attempt)), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Critical, Message = "The call pipeline stopped; no further calls are tracked")]
    private partial void LogPipelineFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Cannot write call {CallKey} to the outbox (attempt {Attempt}); retrying")]
    private partial void LogPersistFailed(Exception exception, string callKey, int attempt);
}
