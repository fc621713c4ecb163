using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FsBitrix.ClickToCall;

/// <summary>
/// Accepted events wait here for the background, so the HTTP answer never waits for FreeSWITCH. Each event runs
/// on its own: an originate holds for as long as the rep's phone rings, and other clicks must not queue behind it.
/// </summary>
internal sealed partial class ClickToCallQueue(ClickToCallController controller, ILogger<ClickToCallQueue> logger) : BackgroundService
{
    private readonly Channel<BitrixCallEvent> _events = Channel.CreateUnbounded<BitrixCallEvent>(new UnboundedChannelOptions { SingleReader = true });

    public void Enqueue(BitrixCallEvent e) => _events.Writer.TryWrite(e);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var running = new HashSet<Task>();
        try
        {
            await foreach (BitrixCallEvent e in _events.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
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

    private async Task RunAsync(BitrixCallEvent e, CancellationToken stoppingToken)
    {
        await Task.Yield();
        try
        {
            await controller.HandleAsync(e, stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            LogStoppedDuring(e.Event, e.DeliveryKey);
        }
#pragma warning disable CA1031 // one event's failure must not stop the others; it is logged with its CALL_ID
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogFailed(ex, e.Event, e.DeliveryKey);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "{Event} {Key} failed")]
    private partial void LogFailed(Exception exception, string @event, string key);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Event} {Key}: the service stopped while it was being placed")]
    private partial void LogStoppedDuring(string @event, string key);
}
