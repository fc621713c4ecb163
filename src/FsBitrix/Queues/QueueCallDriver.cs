using System.Reactive.Linq;
using System.Threading.Channels;
using FsBitrix.Core.Queues;
using FsBitrix.Esl.Connection;
using FsBitrix.Esl.Events;
using FsBitrix.Esl.Outbound;
using FsBitrix.Esl.Protocol;
using Microsoft.Extensions.Logging;

namespace FsBitrix.Queues;

/// <summary>
/// Carries out one caller's queue orders on its <c>socket</c> connection, one at a time and in order (so a kill is
/// sent before the next bridge). A ring ends unanswered when its timer fires or its bridge returns; both report to
/// the board, which ignores the later one. Media never passes through here: FreeSWITCH bridges the legs itself.
/// </summary>
internal sealed partial class QueueCallDriver : IQueueCallDriver, IAsyncDisposable
{
    private static readonly TimeSpan CommandPatience = TimeSpan.FromSeconds(10);

    // FreeSWITCH's own leg_timeout ends a ring cleanly (the bridge returns, the phone stops); our timer is only the
    // backstop for a bridge that never returns, so it fires a little later instead of racing it with a uuid_kill.
    internal static readonly TimeSpan LegTimeoutGrace = TimeSpan.FromSeconds(1);

    private readonly EslOutboundSession _session;
    private readonly QueueBoard _board;
    private readonly string _callKey;
    private readonly string _extensionTemplate;
    private readonly string _context;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Channel<QueueOrder> _orders = Channel.CreateUnbounded<QueueOrder>(new UnboundedChannelOptions { SingleReader = true });
    private readonly List<IDisposable> _bridges = [];
    private readonly Task _loop;
    private ITimer? _timer;

    /// <param name="context">The dialplan context an <c>extension:</c> fallback transfers into (the company's).</param>
    public QueueCallDriver(EslOutboundSession session, QueueBoard board, string callKey, string extensionTemplate, string context,
        TimeProvider time, ILogger logger)
    {
        _context = context;
        _session = session;
        _board = board;
        _callKey = callKey;
        _extensionTemplate = extensionTemplate;
        _time = time;
        _logger = logger;
        _loop = Task.Run(RunAsync);
    }

    public void Post(QueueOrder order) => _orders.Writer.TryWrite(order);

    /// <summary>Carries out what is queued, then stops.</summary>
    public async ValueTask DisposeAsync()
    {
        _orders.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
        StopTimer();
        _bridges.ForEach(b => b.Dispose());
    }

    private async Task RunAsync()
    {
        await foreach (QueueOrder order in _orders.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            try
            {
                await CarryOutAsync(order).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is EslDisconnectedException or TimeoutException or InvalidOperationException)
            {
                // The caller is gone or FreeSWITCH refused: the hangup (or the socket's end) finishes the call.
                LogOrderFailed(_callKey, order.GetType().Name, ex.Message);
            }
        }
    }

    private Task CarryOutAsync(QueueOrder order)
    {
        switch (order)
        {
            case QueueOrder.Ring ring:
                return RingAsync(ring);
            case QueueOrder.Kill kill:
                return KillAsync(kill);
            case QueueOrder.Transfer transfer:
                StopTimer();
                LogFallback(_callKey, "transfer to " + transfer.Extension);
                return _session.ExecuteAsync("transfer", $"{transfer.Extension} XML {_context}", eventLock: true, CommandPatience);
            case QueueOrder.Hangup hangup:
                StopTimer();
                LogFallback(_callKey, "hangup " + hangup.Cause);
                return _session.HangupAsync(hangup.Cause.ToString());
            default:
                // Answered or abandoned: the queue is done with the caller; the legs' own events finish the call.
                StopTimer();
                return Task.CompletedTask;
        }
    }

    private async Task RingAsync(QueueOrder.Ring ring)
    {
        string dial = DialString.RingAll(_extensionTemplate, ring.Legs, ring.Timeout);
        string eventUuid = Guid.NewGuid().ToString();

        // The bridge returns when every leg failed (FreeSWITCH's leg_timeout, rejects) or, answered, when the call ends.
        _bridges.Add(_session
            .SelectEvents(e => e.EventName == EslEventNames.ChannelExecuteComplete && e[EslHeaders.ApplicationUuid] == eventUuid
                ? new BridgeOutcome(e.GetVariable("originate_disposition") == "SUCCESS", e.GetVariable("last_bridge_to"))
                : null)
            .Take(1)
            .Subscribe(outcome =>
            {
                if (!outcome.Answered)
                {
                    _board.RingEnded(_callKey, ring.Attempt);
                }
                else if (outcome.Leg is { } leg)
                {
                    _board.BridgeAnswered(leg);
                }
            }));
        StopTimer();
        _timer = _time.CreateTimer(_ => _board.RingEnded(_callKey, ring.Attempt), null, ring.Timeout + LegTimeoutGrace, Timeout.InfiniteTimeSpan);

        // event-lock: a later bridge (the next agent) waits until this one has returned, never runs inside it.
        EslReply reply = await _session.SendAsync(SendMessage.Execute(null, "bridge", dial, eventLock: true, eventUuid)).ConfigureAwait(false);
        LogRinging(_callKey, ring.Attempt, string.Join(",", ring.Legs.Select(l => l.Extension)), reply.Text);
        if (!reply.IsSuccess)
        {
            _board.RingEnded(_callKey, ring.Attempt);
        }
    }

    private async Task KillAsync(QueueOrder.Kill kill)
    {
        foreach (string leg in kill.LegUuids)
        {
            // "-ERR No such channel" is the usual answer: FreeSWITCH cancelled the leg itself.
            await _session.ApiAsync("uuid_kill " + leg).ConfigureAwait(false);
        }
    }

    private void StopTimer()
    {
        _timer?.Dispose();
        _timer = null;
    }

    private sealed record BridgeOutcome(bool Answered, string? Leg);

    [LoggerMessage(Level = LogLevel.Information, Message = "Queue call {CallKey}: ring #{Attempt} to {Extensions} ({Reply})")]
    private partial void LogRinging(string callKey, int attempt, string extensions, string reply);

    [LoggerMessage(Level = LogLevel.Information, Message = "Queue call {CallKey}: nobody answered, {Fallback}")]
    private partial void LogFallback(string callKey, string fallback);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Queue call {CallKey}: {Order} failed: {Reason}")]
    private partial void LogOrderFailed(string callKey, string order, string reason);
}
