using System.Net;
using System.Reactive.Linq;
using FsBitrix.Configuration;
using FsBitrix.Core.Events;
using FsBitrix.Core.Reconciliation;
using FsBitrix.Esl.Connection;
using FsBitrix.Esl.Inbound;
using FsBitrix.Esl.Outbound;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FsBitrix.Queues;

/// <summary>
/// For the life of the host: listens where the dialplan's <c>socket</c> application connects, and feeds the board
/// every channel event of the inbound Event Socket — every call's legs, not only the queues' own, because an agent
/// on a direct or outgoing call is busy too, and the socket app's connection sees its own channel only.
/// </summary>
internal sealed partial class QueueService(
    FsBitrixOptions options,
    EslInboundClient esl,
    QueueBoard board,
    QueueCallHandler handler,
    ILoggerFactory loggers,
    ILogger<QueueService> logger) : IHostedService, IAsyncDisposable
{
    private IDisposable? _events;
    private IDisposable? _resyncs;
    private EslOutboundListener? _listener;

    /// <summary>Where the listener is bound (the real port when 0 was configured); null before start.</summary>
    public IPEndPoint? Endpoint => _listener?.LocalEndpoint;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _events = esl.SelectEvents(ChannelEventFactory.From).Subscribe(board.Apply);
        _resyncs = esl.ConnectionStates
            .Where(s => s.IsConnected)
            .Select(_ => Observable.FromAsync(ResyncAsync))
            .Concat()
            .Subscribe();
        _listener = new EslOutboundListener(IPEndPoint.Parse(options.Esl.OutboundListen), handler.RunAsync,
            logger: loggers.CreateLogger<EslOutboundListener>());
        _listener.Start();
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken) => await DisposeAsync().ConfigureAwait(false);

    public async ValueTask DisposeAsync()
    {
        _events?.Dispose();
        _resyncs?.Dispose();
        if (_listener is { } listener)
        {
            _listener = null;
            await listener.DisposeAsync().ConfigureAwait(false);
        }
    }

    // Hangups missed while the inbound socket was down would leave agents busy for ever.
    private async Task ResyncAsync(CancellationToken cancellationToken)
    {
        board.BeginResync();
        try
        {
            EslReply reply = await esl.ApiAsync("show channels as json", cancellationToken).ConfigureAwait(false);
            if (LiveChannels.TryParse(reply.Text, out IReadOnlySet<string> live))
            {
                board.KeepOnly(live);
            }
        }
        catch (Exception ex) when (ex is EslDisconnectedException or TimeoutException)
        {
            LogResyncFailed(ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Queue presence not re-read after the reconnect ({Reason}); it is on the next one")]
    private partial void LogResyncFailed(string reason);
}
