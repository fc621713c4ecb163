using System.Reactive.Linq;
using FsBitrix.Calls;
using FsBitrix.Core.Events;
using FsBitrix.Core.Reconciliation;
using FsBitrix.Esl.Connection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FsBitrix.Hosting;

/// <summary>
/// Connects every FreeSWITCH node's inbound Event Socket to the call tracker for the life of the host. After every
/// (re)connect of a node it re-reads that node's live channels, so that its calls which ended unseen — during a gap,
/// or while the service was stopped — are finished from what is known; the other nodes' calls are not touched.
/// </summary>
internal sealed partial class CallTrackingService(
    FreeSwitchNodes nodes,
    CallTracker tracker,
    TimeProvider time,
    ILogger<CallTrackingService> logger) : BackgroundService
{
    private static readonly TimeSpan ExpiryInterval = TimeSpan.FromMinutes(1);

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await tracker.RestoreAsync(cancellationToken).ConfigureAwait(false);

        // Subscribe before connecting, so the first events of the first connection are not missed. Each node's events
        // carry its name (with several), so that a call is followed, resynced and expired on its own node.
        tracker.Attach(Observable.Merge(nodes.All.Select(node => node.Tag is null
            ? node.Client.SelectEvents(ChannelEventFactory.From)
            : node.Client.SelectEvents(e => ChannelEventFactory.From(e) is { } channel ? channel with { Node = node.Tag } : null))));
        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        await nodes.DisposeAsync().ConfigureAwait(false);
        // Every event received is in the outbox before the host lets go of it.
        await tracker.FlushAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var watches = new List<IDisposable>();
        try
        {
            foreach (FreeSwitchNode node in nodes.All)
            {
                watches.Add(node.Client.ConnectionStates
                    .Where(s => s.IsConnected)
                    .Select(s => Observable.FromAsync(ct => ResyncAsync(node, s.Epoch, ct)))
                    .Concat()
                    .Subscribe());

                // Marked when the connection drops, before the next one's events can come (a resync may come after them).
                watches.Add(node.Client.ConnectionStates
                    .Where(s => !s.IsConnected)
                    .Subscribe(_ => tracker.MarkGap(node.Tag)));
            }

            foreach (FreeSwitchNode node in nodes.All)
            {
                await node.Client.StartAsync(stoppingToken).ConfigureAwait(false);
            }

            using var timer = new PeriodicTimer(ExpiryInterval, time);
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                tracker.ExpireIdle(time.GetUtcNow());
            }
        }
        finally
        {
            watches.ForEach(w => w.Dispose());
        }
    }

    private async Task ResyncAsync(FreeSwitchNode node, int epoch, CancellationToken cancellationToken)
    {
        tracker.BeginResync(node.Tag);
        try
        {
            EslReply reply = await node.Client.ApiAsync("show channels as json", cancellationToken).ConfigureAwait(false);
            if (LiveChannels.TryParse(reply.Text, out IReadOnlySet<string> live, out IReadOnlySet<string> answered))
            {
                LogResync(node.Name, epoch, live.Count);
                tracker.Resync(live, time.GetUtcNow(), answered, node.Tag);
            }
            else
            {
                LogResyncUnreadable(node.Name, reply.Text.Length > 200 ? reply.Text[..200] : reply.Text);
            }
        }
        catch (Exception ex) when (ex is EslDisconnectedException or TimeoutException)
        {
            // The next connection resyncs again.
            LogResyncFailed(node.Name, ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "FreeSWITCH {Node}, ESL connection #{Epoch}: {Live} live channel(s); reconciling its calls")]
    private partial void LogResync(string node, int epoch, int live);

    [LoggerMessage(Level = LogLevel.Warning, Message = "FreeSWITCH {Node}: cannot read 'show channels as json' ({Reply}); its calls are not reconciled this time")]
    private partial void LogResyncUnreadable(string node, string reply);

    [LoggerMessage(Level = LogLevel.Warning, Message = "FreeSWITCH {Node}: resync failed: {Reason}; it runs again on the next connection")]
    private partial void LogResyncFailed(string node, string reason);
}
