using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using FsBitrix.Esl.Connection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace FsBitrix.Esl.Outbound;

/// <summary>
/// Accepts the connections of FreeSWITCH's <c>socket</c> dialplan application and runs a handler for each
/// call on the thread pool, never on a socket reader. The session is disposed when its handler returns.
/// </summary>
/// <example>
/// The dialplan's <c>socket 127.0.0.1:8084 async full</c> hands each call to the handler:
/// <code>
/// await using var listener = new EslOutboundListener(new IPEndPoint(IPAddress.Loopback, 8084), async (session, ct) =>
/// {
///     EslEvent channel = await session.ConnectAsync(ct);
///     await session.ExecuteAsync("answer", cancellationToken: ct);
///     await session.ExecuteAsync("playback", "ivr/ivr-welcome.wav", cancellationToken: ct);
///     await session.HangupAsync(cancellationToken: ct);
/// });
/// listener.Start();
/// </code>
/// </example>
public sealed partial class EslOutboundListener : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly Func<EslOutboundSession, CancellationToken, Task> _handler;
    private readonly EslConnectionOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<Task, byte> _sessions = new();
    private Task _accepting = Task.CompletedTask;

    public EslOutboundListener(IPEndPoint endpoint, Func<EslOutboundSession, CancellationToken, Task> handler,
        EslConnectionOptions? options = null, ILogger<EslOutboundListener>? logger = null, TimeProvider? time = null)
    {
        _listener = new TcpListener(endpoint);
        _handler = handler;
        _options = options ?? new EslConnectionOptions();
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>The bound address (with the real port when 0 was asked for).</summary>
    public IPEndPoint LocalEndpoint => (IPEndPoint)_listener.LocalEndpoint;

    public int ActiveSessions => _sessions.Count;

    public void Start()
    {
        _listener.Start();
        LogListening(LocalEndpoint.ToString());
        _accepting = Task.Run(AcceptLoopAsync);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        try
        {
            await _accepting.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }

        await Task.WhenAll(_sessions.Keys).ConfigureAwait(false);
        _listener.Dispose();
        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException
                && _stop.IsCancellationRequested)
            {
                return;
            }

            socket.NoDelay = true;
            Task session = Task.Run(() => RunSessionAsync(socket));
            _sessions.TryAdd(session, 0);
            _ = session.ContinueWith(t => _sessions.TryRemove(t, out _), TaskScheduler.Default);
        }
    }

    private async Task RunSessionAsync(Socket socket)
    {
        string remote = socket.RemoteEndPoint?.ToString() ?? "?";
        var session = new EslOutboundSession(new NetworkStream(socket, ownsSocket: true), _options, _logger, _time);
        await using (session.ConfigureAwait(false))
        {
            try
            {
                await _handler(session, _stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
            }
#pragma warning disable CA1031 // one call's failure must not stop the listener
            catch (Exception ex)
#pragma warning restore CA1031
            {
                LogSessionFailed(ex, remote, session.UniqueId ?? "(before connect)");
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Waiting for FreeSWITCH socket-app connections on {Endpoint}")]
    private partial void LogListening(string endpoint);

    [LoggerMessage(Level = LogLevel.Error, Message = "Outbound ESL session from {Remote} for channel {UniqueId} failed")]
    private partial void LogSessionFailed(Exception exception, string remote, string uniqueId);
}
