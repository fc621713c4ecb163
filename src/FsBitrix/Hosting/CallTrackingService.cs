using System.Reactive.Linq;
using FsBitrix.Calls;
using FsBitrix.Core.Events;
using FsBitrix.Core.Reconciliation;
using FsBitrix.Esl.Connection;
using FsBitrix.Esl.Inbound;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FsBitrix.Hosting;

/// <summary>
/// Connects the inbound Event Socket to the call tracker for the life of the host. After every (re)connect it
/// re-reads FreeSWITCH's live channels so that calls which ended unseen — during a gap, or while the service was
/// stopped — are finished from what is known.
/// </summary>
internal sealed partial class CallTrackingService(
    EslInboundClient esl,
    CallTracker tracker,
    TimeProvider time,
    ILogger<CallTrackingService> logger) : BackgroundService
{
    private static readonly TimeSpan ExpiryInterval = TimeSpan.FromMinutes(1);

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await tracker.RestoreAsync(cancellationToken).ConfigureAwait(false);

        // Subscribe before connecting, so the first events of the first connection are not missed.
        tracker.Attach(esl.SelectEvents(ChannelEventFactory.From));
        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        await esl.DisposeAsync().ConfigureAwait(false);
        // Every event received is in the outbox before the host lets go of it.
        await tracker.FlushAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using IDisposable resyncs = esl.ConnectionStates
            .Where(s => s.IsConnected)
            .Select(s => Observable.FromAsync(ct => ResyncAsync(s.Epoch, ct)))
            .Concat()
            .Subscribe();

        // Marked when the connection drops, before the next one's events can come (a resync may come after them).
        using IDisposable gaps = esl.ConnectionStates
            .Where(s => !s.IsConnected)
            .Subscribe(_ => tracker.MarkGap());
        await esl.StartAsync(stoppingToken).ConfigureAwait(false);

        using var timer = new PeriodicTimer(ExpiryInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            tracker.ExpireIdle(time.GetUtcNow());
        }
    }

    private async Task ResyncAsync(int epoch, CancellationToken cancellationToken)
    {
        tracker.BeginResync();
        try
        {
            EslReply reply = await esl.ApiAsync("show channels as json", cancellationToken).ConfigureAwait(false);
            if (LiveChannels.TryParse(reply.Text, out IReadOnlySet<string> live, out IReadOnlySet<string> answered))
            {
                LogResync(epoch, live.Count);
                tracker.Resync(live, time.GetUtcNow(), answered);
            }
            else
            {
                LogResyncUnreadable(reply.Text.Length > 200 ? reply.Text[..200] : reply.Text);
            }
        }
        catch (Exception ex) when (ex is EslDisconnectedException or TimeoutException)
        {
            // The next connection resyncs again.
            LogResyncFailed(ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "ESL connection #{Epoch}: {Live} live channel(s) in FreeSWITCH; reconciling calls")]
    private partial void LogResync(int epoch, int live);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cannot read 'show channels as json' ({Reply}); calls are not reconciled this time")]
    private partial void LogResyncUnreadable(string reply);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Resync failed: {Reason}; it runs again on the next connection")]
    private partial void LogResyncFailed(string reason);
}
