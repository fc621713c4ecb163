using System.Reactive.Linq;
using System.Reactive.Subjects;
using FsBitrix.Core.Calls;
using FsBitrix.Core.Events;
using FsBitrix.Core.Persistence;
using FsBitrix.Core.Routing;
using FsBitrix.Outbox;
using Microsoft.Extensions.Logging;

namespace FsBitrix.Calls;

/// <summary>
/// The Rx plumbing between channel events and the outbox: route each input to its call, group by call, fold
/// each group with the pure reducer, and write every step (commands and state) to the outbox in order. A call's
/// group completes when the call is over, so memory holds live calls only. Restored calls (after a restart) and
/// resync snapshots (after a gap) enter the same fold.
/// </summary>
internal sealed partial class CallTracker : IAsyncDisposable, IDisposable
{
    private readonly CallReducer _reducer;
    private readonly ICallStates _states;
    private readonly Action _appended;
    private readonly StepWriter _writer;
    private readonly ILogger _logger;
    private readonly Dictionary<string, Subject<System.Reactive.Unit>> _closers = new(StringComparer.Ordinal);
    private readonly Subject<CallInput> _markers = new();
    private readonly Subject<CallStep> _steps = new();
    private readonly Dictionary<string, CallState> _restored = new(StringComparer.Ordinal);
    private readonly HashSet<string> _open = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<string>> _seenSinceResync = new(StringComparer.Ordinal);

    // Several FreeSWITCH nodes: the node each followed call lives on ("" with one node), and each node's clock.
    private readonly Dictionary<string, string> _nodeOfCall = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (DateTimeOffset EventAt, DateTimeOffset ReceivedAt)> _clocks = new(StringComparer.Ordinal);
    private readonly string _defaultNode;
    private readonly Dictionary<string, bool> _expectedOriginates = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private CallRouter _router = CallRouter.Empty;
    private IDisposable? _subscription;
    private volatile bool _disposing;

    /// <param name="tenantOf">The company whose portal a call's commands go to; null: one portal.</param>
    /// <param name="defaultNode">With several nodes, the first one's name: where calls stored by a single-node version live.</param>
    /// <param name="store">Where each step's commands go, with its call's state.</param>
    /// <param name="states">Where the states written so are read back at a start (the same store).</param>
    public CallTracker(CallReducer reducer, IOutboxStore store, ICallStates states, Action appended, TimeProvider time, ILogger<CallTracker> logger,
        Func<CallState, string>? tenantOf = null, string? defaultNode = null)
    {
        _defaultNode = defaultNode ?? string.Empty;
        _reducer = reducer;
        _time = time;
        _states = states;
        _appended = appended;
        _logger = logger;
        _writer = new StepWriter(store, Written, logger, tenantOf, time);
    }

    /// <summary>Calls currently followed (open groups and restored calls not yet resumed).</summary>
    public int ActiveCalls
    {
        get
        {
            lock (_open)
            {
                return _open.Count + _restored.Count;
            }
        }
    }

    /// <summary>Why call steps cannot be written to the outbox now (a full disk), null while they can (health).</summary>
    public WriteProblem? OutboxWriteProblem => _writer.Problem;

    /// <summary>Steps after the outbox has them; for tests, the demo and metrics.</summary>
    public IObservable<CallStep> Steps => _steps.AsObservable();

    /// <summary>Reads the calls that were live when the service stopped; call before <see cref="Attach"/>.</summary>
    public async Task RestoreAsync(CancellationToken cancellationToken)
    {
        foreach ((string key, string json) in await _states.LiveCallStatesAsync(cancellationToken).ConfigureAwait(false))
        {
            try
            {
                // It was up while the service was stopped: whatever happened then is only in its CDRs.
                CallState state = _reducer.AfterGap(CallStateJson.Deserialize(json));
                _restored[key] = state;
                _nodeOfCall[key] = state.Node ?? _defaultNode;
            }
            catch (System.Text.Json.JsonException ex)
            {
                LogUnreadableState(ex, key);
            }
        }

        _router = CallRouter.Rebuild(_restored.Values);
        if (_restored.Count > 0)
        {
            LogRestored(_restored.Count);
        }
    }

    public void Attach(IObservable<ChannelEvent> events)
    {
        _subscription = events
            .Select(e => (CallInput)new CallInput.Event(e))
            .Merge(_markers)
            .Publish(inputs => Observable.Merge(
                inputs.Where(i => i is not CallInput.Flush)
                    .SelectMany(Route)
                    .GroupByUntil(r => r.CallKey, r => r.Action, group => Closer(group.Key))
                    .SelectMany(group => group
                        .Scan(new CallStep(group.Key, Seed(group.Key), []), Fold)
                        .Do(CloseIfOver))
                    .Where(step => step.Commands.Count > 0 || step.Changed),

                // Both branches emit synchronously for each input, so a flush comes after every step before it.
                inputs.OfType<CallInput.Flush>().Select(f => new CallStep(string.Empty, CallState.Start(string.Empty), [], false) { Flushed = f.Done })))
            .Subscribe(
                _writer.Enqueue,
                ex => LogPipelineFailed(ex));
    }

    /// <summary>
    /// Completes when everything handed to the tracker so far is in the outbox. A caller that marks its own record
    /// done after this cannot lose the commands to a crash in between.
    /// </summary>
    public Task FlushAsync()
    {
        ObjectDisposedException.ThrowIf(_disposing, this);
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _markers.OnNext(new CallInput.Flush(done));
        return done.Task;
    }

    /// <summary>
    /// An event learnt other than on the inbound socket: the channel data the dialplan's <c>socket</c> hands over, which
    /// carries what the DID set on the caller's leg (its <c>domain_name</c>) before any broadcast event of that leg does.
    /// </summary>
    public void Observe(ChannelEvent e) => _markers.OnNext(new CallInput.Event(e));

    /// <summary>
    /// The connection to FreeSWITCH is lost: every call followed now may change unseen until the resync (and events
    /// of the next connection may come before it), so each is marked as having lived through a gap.
    /// </summary>
    public void MarkGap(string? node = null) => _markers.OnNext(new CallInput.GapBegan(node));

    /// <summary>Marks the start of a resync: call just before asking FreeSWITCH for its live channels.</summary>
    public void BeginResync(string? node = null) => _markers.OnNext(new CallInput.ResyncStarted(node));

    /// <summary>Finishes, from what is known, every call whose legs are gone from FreeSWITCH.</summary>
    /// <param name="answered">The live channels whose callstate says answered (an answer may have happened unseen).</param>
    public void Resync(IReadOnlySet<string> liveChannels, DateTimeOffset now, IReadOnlySet<string>? answered = null, string? node = null) =>
        _markers.OnNext(new CallInput.ResyncSnapshot(liveChannels, now, answered, node));

    /// <summary>Ends the calls that have had no event for the idle timeout (<see cref="CallReducer.Expire"/>).</summary>
    /// <param name="now">This service's clock; idleness is judged on FreeSWITCH's, as the calls' event times are.</param>
    public void ExpireIdle(DateTimeOffset now) => _markers.OnNext(new CallInput.ExpiryTick(now));

    /// <summary>
    /// Call before sending an originate whose legs will carry these <c>origination_uuid</c>s (several when it rings
    /// several phones at once; the first keys the finish sent if none is ever seen).
    /// </summary>
    public void ExpectOriginate(params IReadOnlyList<string> originationUuids) =>
        _markers.OnNext(new CallInput.OriginateExpected(originationUuids));

    /// <summary>
    /// Call when the originate's BACKGROUND_JOB came back. Every event FreeSWITCH sent before the job result has been
    /// routed by then (one connection, one dispatcher), so "no leg seen" is certain, and so is the single finish.
    /// </summary>
    /// <param name="domain">The company whose portal that finish goes to (several companies on one switch); null: the default.</param>
    public void OriginateCompleted(IReadOnlyList<string> originationUuids, FinishCall? finishIfNoLeg, string? domain = null) =>
        _markers.OnNext(new CallInput.OriginateCompleted(originationUuids, finishIfNoLeg, domain));

    /// <summary>
    /// Follows a call whose legs may exist in FreeSWITCH although their creation was never seen (the service stopped
    /// while its originate was under way): their events are routed to it from now on, and a resync or an
    /// <see cref="OriginateCompleted"/> ends it if they never show up. Ignored for a call already followed.
    /// </summary>
    public void Adopt(CallState state) => _markers.OnNext(new CallInput.Adopted(state));

    /// <summary>Ends, from what is known, the legs of one call that FreeSWITCH no longer has (as a resync would).</summary>
    public void Reconcile(string callKey, IReadOnlySet<string> liveChannels, DateTimeOffset now) =>
        _markers.OnNext(new CallInput.CallSnapshot(callKey, liveChannels, now));

    /// <summary>Stops taking inputs and writes every step already taken.</summary>
    public async ValueTask DisposeAsync()
    {
        _disposing = true;
        _subscription?.Dispose();
        await _writer.DisposeAsync().ConfigureAwait(false);
        _markers.Dispose();
        _steps.Dispose();
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    // On the writer's thread, after the batch committed: wake the outbox first, then tell the listeners.
    private void Written(IReadOnlyList<CallStep> batch)
    {
        if (batch.Any(step => step.Commands.Count > 0))
        {
            _appended();
        }

        foreach (CallStep step in batch)
        {
            if (step.Flushed is null)
            {
                _steps.OnNext(step);
            }
        }
    }

    private IEnumerable<(string CallKey, CallAction Action)> Route(CallInput input)
    {
        switch (input)
        {
            case CallInput.Event { ChannelEvent: var e }:
                string node = e.Node ?? _defaultNode;
                if (e.Timestamp is { } stamped)
                {
                    _clocks[node] = (stamped, _time.GetUtcNow());
                }

                if (e.UniqueId is { } leg)
                {
                    _seenSinceResync.GetValueOrDefault(node)?.Add(leg);
                }

                if (e.UniqueId is { } uuid && _expectedOriginates.ContainsKey(uuid))
                {
                    _expectedOriginates[uuid] = true;
                }

                (CallRouter router, IReadOnlyList<RoutedEvent> routed) = _router.RouteAll(e);
                _router = router;
                if (routed.Count == 0 && CallRouter.IsPartOfAnotherCall(e) && e.Kind == ChannelEventKind.Create)
                {
                    LogLegOfUnknownCall(e.UniqueId, e.CcMemberSessionUuid ?? e.OtherLoopbackFromUuid ?? e.OtherLoopbackLegUuid);
                }

                if (routed.Count == 1 && OnNode(routed[0].CallKey, node, e))
                {
                    return [(routed[0].CallKey, new CallAction.Apply(routed[0].Event))];
                }

                return routed.Where(r => OnNode(r.CallKey, node, e)).Select(r => (r.CallKey, (CallAction)new CallAction.Apply(r.Event))).ToList();
            case CallInput.OriginateExpected expected:
                foreach (string expectedLeg in expected.OriginationUuids)
                {
                    _expectedOriginates[expectedLeg] = false;
                }

                return [];
            case CallInput.OriginateCompleted done:
                bool seen = false;
                foreach (string doneLeg in done.OriginationUuids)
                {
                    seen |= _expectedOriginates.Remove(doneLeg, out bool s) && s;
                }

                return seen || done.FinishIfNoLeg is null
                    ? []
                    : [(done.OriginationUuids[0], new CallAction.FinishUnseen(done.FinishIfNoLeg, done.Domain))];
            case CallInput.Adopted adopted:
                if (KnownCalls().Contains(adopted.State.CallKey))
                {
                    return [];
                }

                _router = _router.Adopt(adopted.State);
                _nodeOfCall[adopted.State.CallKey] = adopted.State.Node ?? _defaultNode;
                return [(adopted.State.CallKey, new CallAction.Adopt(adopted.State))];
            case CallInput.GapBegan gap:
                return CallsOn(gap.Node).Select(k => (k, (CallAction)new CallAction.Gap())).ToList();
            case CallInput.ResyncStarted started:
                _seenSinceResync[started.Node ?? _defaultNode] = new HashSet<string>(StringComparer.Ordinal);
                return [];
            case CallInput.ResyncSnapshot snapshot:
                string resynced = snapshot.Node ?? _defaultNode;

                // Legs that appeared after the snapshot was asked for are live too, and so are other nodes' legs.
                var live = new HashSet<string>(snapshot.LiveChannels, StringComparer.Ordinal);
                live.UnionWith(_seenSinceResync.Remove(resynced, out HashSet<string>? seenMeanwhile) ? seenMeanwhile : (IEnumerable<string>)[]);
                live.UnionWith(_router.CallOfLeg.Where(l => NodeOf(l.Value) != resynced).Select(l => l.Key));
                _router = _router.KeepOnly(live);

                // An answer learnt from the snapshot is stamped on FreeSWITCH's clock, as the leg's other times are.
                var reconcile = new CallAction.Reconcile(live, snapshot.Now, LastEventAt(resynced), snapshot.Answered,
                    OnFreeSwitchClock(resynced, snapshot.Now));
                return CallsOn(snapshot.Node).Select(k => (k, (CallAction)reconcile)).ToList();
            case CallInput.CallSnapshot one:
                return KnownCalls().Contains(one.CallKey)
                    ? [(one.CallKey, new CallAction.Reconcile(one.LiveChannels, one.Now, LastEventAt(NodeOf(one.CallKey))))]
                    : [];
            case CallInput.ExpiryTick tick:
                return KnownCalls().Select(k => (k, (CallAction)new CallAction.Expire(OnFreeSwitchClock(NodeOf(k), tick.Now)))).ToList();
            default:
                return [];
        }
    }

    // A call's idle time is "now" minus its last event's time, which FreeSWITCH stamped. FreeSWITCH's clock can be
    // hours off this service's (another host, a container with a wrong clock); judged on ours, every live call would
    // then expire at the next tick and be finished mid-conversation. The latest event tells what FreeSWITCH's clock
    // read when it arrived, and its offset from ours holds until the next one.
    // Each node has its own clock.
    private DateTimeOffset OnFreeSwitchClock(string node, DateTimeOffset now) =>
        _clocks.TryGetValue(node, out var clock) ? clock.EventAt + (now - clock.ReceivedAt) : now;

    private DateTimeOffset? LastEventAt(string node) => _clocks.TryGetValue(node, out var clock) ? clock.EventAt : null;

    private string NodeOf(string callKey) => _nodeOfCall.GetValueOrDefault(callKey, _defaultNode);

    /// <summary>The calls of a node (null: the default node, or the only one).</summary>
    private List<string> CallsOn(string? node)
    {
        string wanted = node ?? _defaultNode;
        return [.. KnownCalls().Where(k => NodeOf(k) == wanted)];
    }

    /// <summary>
    /// A call lives on the node its first event came from. FreeSWITCH's UUIDs are unique, so another node naming it
    /// means the same switch is configured twice or a leg names another node's UUID: its event is not the call's.
    /// </summary>
    private bool OnNode(string callKey, string node, ChannelEvent e)
    {
        if (_nodeOfCall.TryAdd(callKey, node) || _nodeOfCall[callKey] == node)
        {
            return true;
        }

        LogOtherNode(e.UniqueId, node, callKey, _nodeOfCall[callKey]);
        return false;
    }

    private List<string> KnownCalls()
    {
        lock (_open)
        {
            return [.. _open, .. _restored.Keys];
        }
    }

    private Subject<System.Reactive.Unit> Closer(string callKey)
    {
        var closer = new Subject<System.Reactive.Unit>();
        _closers[callKey] = closer;
        return closer;
    }

    private CallState Seed(string callKey)
    {
        lock (_open)
        {
            _open.Add(callKey);
            return _restored.Remove(callKey, out CallState? restored) ? restored : CallState.Start(callKey);
        }
    }

    private CallStep Fold(CallStep previous, CallAction action)
    {
        (CallState state, IReadOnlyList<CallCommand> commands) = action switch
        {
            CallAction.Apply apply => Reduce(previous.State, apply.Event),
            CallAction.Reconcile r => _reducer.Reconcile(previous.State, r.LiveChannels, r.AnsweredBy ?? r.Now, r.SeenUntil, r.Answered),
            CallAction.Expire x => _reducer.Expire(previous.State, x.Now),
            CallAction.Gap => (_reducer.AfterGap(previous.State), []),
            CallAction.FinishUnseen f => (Unseen(previous.State, f.Finish) with { Domain = f.Domain }, [f.Finish]),
            CallAction.Adopt a => (previous.State.Kind == CallKind.Unknown ? a.State : previous.State, []),
            _ => (previous.State, []),
        };
        return new CallStep(previous.CallKey, state, commands, !Equals(state, previous.State));
    }

    private (CallState, IReadOnlyList<CallCommand>) Reduce(CallState state, ChannelEvent e)
    {
        if (e.Kind == ChannelEventKind.Create && _reducer.IsOtherCompanys(state, e))
        {
            // Two companies' phones bridged together by the dialplan: the leg is followed, never shown the client.
            LogOtherCompany(e.UniqueId, CallReducer.DomainOf(e), state.CallKey, state.Domain);
        }

        return _reducer.Reduce(state, e);
    }

    // The legs that never existed are recorded as ended (every one of an adopted ring-all too), so the call is over:
    // its group closes and nothing of it is restored after a restart.
    private static CallState Unseen(CallState state, FinishCall finish)
    {
        CallState ended = state.Legs.Aggregate(state, (s, l) => s.WithLeg(l with { Ended = true, EndInferred = true }));
        return ended.WithLeg(new LegState(state.CallKey, LegRole.Agent, finish.UserPhoneInner) { Ended = true, EndInferred = true }) with
        {
            Kind = CallKind.ClickToCall,
            BitrixCallId = finish.BitrixCallId,
            Finished = true,
        };
    }

    private void CloseIfOver(CallStep step)
    {
        if (step.State.IsOver)
        {
            lock (_open)
            {
                _open.Remove(step.CallKey);
            }

            _router = _router.Forget(step.CallKey);
            _nodeOfCall.Remove(step.CallKey);
            // One subject per call: closing a call costs the same with 10 calls live as with 10,000.
            if (_closers.Remove(step.CallKey, out Subject<System.Reactive.Unit>? closer))
            {
                closer.OnNext(System.Reactive.Unit.Default);
                closer.Dispose();
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Critical, Message = "The call pipeline stopped; no further calls are tracked")]
    private partial void LogPipelineFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Leg {Leg} rings an employee of {LegDomain} on call {CallKey} of {CallDomain}: one call never mixes companies, no card is shown")]
    private partial void LogOtherCompany(string? leg, string? legDomain, string callKey, string? callDomain);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Leg {Leg} came from node {Node} about call {CallKey}, which lives on node {CallNode}: ignored (is one FreeSWITCH listed twice in Esl:Nodes?)")]
    private partial void LogOtherNode(string? leg, string node, string callKey, string callNode);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Leg {Leg} serves a call this service does not follow ({Linked}): ignored")]
    private partial void LogLegOfUnknownCall(string? leg, string? linked);

    [LoggerMessage(Level = LogLevel.Information, Message = "Resuming {Count} call(s) that were live when the service stopped")]
    private partial void LogRestored(int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "The stored state of call {CallKey} cannot be read; it is dropped")]
    private partial void LogUnreadableState(Exception exception, string callKey);
}
