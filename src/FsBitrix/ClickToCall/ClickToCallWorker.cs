using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FsBitrix.ClickToCall;

/// <summary>
/// The click-to-call worker: accepted events wait here for the background, so the HTTP answer never waits for FreeSWITCH. Each event runs
/// on its own: an originate holds for as long as the rep's phone rings, and other clicks must not queue behind it.
/// At start-up the attempts the service stopped on are recovered alongside (they may wait for FreeSWITCH).
/// </summary>
internal sealed partial class ClickToCallWorker(ClickToCallOriginator originator, ClickToCallRecovery recovery, ILogger<ClickToCallWorker> logger)
    : BackgroundService
{
    private readonly Channel<ClickAttempt> _events = Channel.CreateUnbounded<ClickAttempt>(new UnboundedChannelOptions { SingleReader = true });

    public void Enqueue(ClickAttempt attempt) => _events.Writer.TryWrite(attempt);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var running = new HashSet<Task> { RecoverAsync(stoppingToken) };
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
