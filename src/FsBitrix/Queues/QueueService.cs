using System.Reactive.Linq;
using FsBitrix.Core.Events;
using FsBitrix.Core.Reconciliation;
using FsBitrix.Esl.Connection;
using FsBitrix.Esl.Inbound;
using FsBitrix.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FsBitrix.Queues;

/// <summary>
/// For the life of the host: feeds the board every channel event of every node's inbound Event Socket — every call's
/// legs, not only the queues' own, because an agent on a direct or outgoing call is busy too (on whichever node), and
/// the socket app's connection (<see cref="SocketApp.SocketAppService"/>) sees its own channel only.
/// </summary>
internal sealed partial class QueueService(
    FreeSwitchNodes nodes,
    QueueBoard board,
    ILogger<QueueService> logger) : IHostedService, IAsyncDisposable
{
    private IDisposable? _events;
    private IDisposable? _resyncs;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _events = Observable.Merge(nodes.All.Select(n => n.Client.SelectEvents(ChannelEventFactory.From))).Subscribe(board.Apply);
        _resyncs = Observable.Merge(nodes.All.Select(n => n.Client.ConnectionStates.Where(s => s.IsConnected)))
            .Select(_ => Observable.FromAsync(ResyncAsync))
            .Concat()
            .Subscribe();
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken) => await DisposeAsync().ConfigureAwait(false);

    public ValueTask DisposeAsync()
    {
        _events?.Dispose();
        _resyncs?.Dispose();
        return ValueTask.CompletedTask;
    }

    // Hangups missed while an inbound socket was down would leave agents busy for ever. The presence holds every
    // node's legs, so it is kept to what all nodes say is live; with a node unreachable nothing is dropped this time.
    private async Task ResyncAsync(CancellationToken cancellationToken)
    {
        board.BeginResync();
        try
        {
            var live = new HashSet<string>(StringComparer.Ordinal);
            foreach (FreeSwitchNode node in nodes.All)
            {
                EslReply reply = await node.Client.ApiAsync("show channels as json", cancellationToken).ConfigureAwait(false);
                if (!LiveChannels.TryParse(reply.Text, out IReadOnlySet<string> ofNode))
                {
                    return;
                }

                live.UnionWith(ofNode);
            }

            board.KeepOnly(live);
        }
        catch (Exception ex) when (ex is EslDisconnectedException or TimeoutException)
        {
            LogResyncFailed(ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Queue presence not re-read after the reconnect ({Reason}); it is on the next one")]
    private partial void LogResyncFailed(string reason);
}
