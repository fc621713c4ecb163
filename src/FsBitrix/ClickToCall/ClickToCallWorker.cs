using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FsBitrix.ClickToCall;

/// <summary>
/// The click-to-call worker: accepted events wait here for the background, so the HTTP answer never waits for FreeSWITCH. Each event runs
/// on its own: an originate holds for as long as the rep's phone rings, and other clicks must not queue behind it.
/// At start-up the attempts the service stopped on are recovered alongside (they may wait for FreeSWITCH).
/// </summary>
/// <remarks>
/// On a shared database a click may be accepted by a standby instance: the leader looks for such attempts every
/// <see cref="SharedPoll"/> and places them as if accepted here (or finishes them unplaced when too old).
/// </remarks>
internal sealed partial class ClickToCallWorker(ClickToCallOriginator originator, ClickToCallRecovery recovery, Leadership.InstanceRole leadership,
    TimeProvider time, ILogger<ClickToCallWorker> logger)
    : BackgroundService
{
    private readonly Channel<ClickAttempt> _events = Channel.CreateUnbounded<ClickAttempt>(new UnboundedChannelOptions { SingleReader = true });

    // Delivery keys queued in this process, with when: the intake, the start-up recovery and the shared poll may each
    // find one attempt; it is placed once. Forgotten after a day: an attempt still accepted then is long past placing.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, DateTimeOffset> _taken = new(StringComparer.Ordinal);
    private static readonly TimeSpan RememberTaken = TimeSpan.FromDays(1);

    /// <summary>How often the leader looks for clicks accepted by a standby (shared database only).</summary>
    public TimeSpan SharedPoll { get; init; } = TimeSpan.FromSeconds(1);

    public void Enqueue(ClickAttempt attempt)
    {
        if (_taken.TryAdd(attempt.Event.DeliveryKey, time.GetUtcNow()))
        {
            _events.Writer.TryWrite(attempt);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        Task recovering = RecoverAsync(stoppingToken);
        var running = new HashSet<Task> { recovering };
        if (leadership.Shared)
        {
            running.Add(AdoptFromStandbysAsync(recovering, stoppingToken));
        }

        try
        {
            await foreach (ClickAttempt e in _events.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                running.RemoveWhere(t => t.IsCompleted);
                running.Add(RunAsync(e, stoppingToken));
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: attempts still ringing end with the host; their legs are restored from the outbox state.
        }

        await Task.WhenAll(running).ConfigureAwait(false);
    }

    private async Task RunAsync(ClickAttempt attempt, CancellationToken stoppingToken)
    {
        await Task.Yield();
        BitrixCallEvent e = attempt.Event;
        try
        {
            await originator.HandleAsync(attempt, stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Its attempt stays accepted or originating: the next start places or finishes it.
            LogStoppedDuring(e.Event, e.DeliveryKey);
        }
#pragma warning disable CA1031 // one event's failure must not stop the others; it is logged with its CALL_ID
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogFailed(ex, e.Event, e.DeliveryKey);
        }
    }

    // After the start-up recovery (it never throws): one rule at a time decides what an accepted attempt becomes.
    private async Task AdoptFromStandbysAsync(Task recovering, CancellationToken stoppingToken)
    {
        await recovering.ConfigureAwait(false);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(SharedPoll, time, stoppingToken).ConfigureAwait(false);
                DateTimeOffset forget = time.GetUtcNow() - RememberTaken;
                foreach ((string key, DateTimeOffset at) in _taken)
                {
                    if (at < forget)
                    {
                        _taken.TryRemove(key, out _);
                    }
                }

                await recovery.AdoptAcceptedAsync(a => !_taken.ContainsKey(a.Event.DeliveryKey), Enqueue, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // the database away for a moment: asked again at the next poll
            catch (Exception ex)
#pragma warning restore CA1031
            {
                LogAdoptFailed(ex.Message);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Looking for clicks accepted by a standby failed; asking again: {Failure}")]
    private partial void LogAdoptFailed(string failure);

    private async Task RecoverAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        try
        {
            await recovery.RecoverAsync(Enqueue, stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopped again before it was done: what is left is still recorded for the next start.
        }
#pragma warning disable CA1031 // a failed recovery must not stop new clicks; what is left stays recorded for the next start
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogRecoveryFailed(ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Recovering the click-to-calls the service stopped on failed; they are retried at the next start")]
    private partial void LogRecoveryFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Event} {Key} failed")]
    private partial void LogFailed(Exception exception, string @event, string key);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Event} {Key}: the service stopped while it was being placed")]
    private partial void LogStoppedDuring(string @event, string key);
}
