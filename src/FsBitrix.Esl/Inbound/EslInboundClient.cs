using System.Net.Sockets;
using System.Reactive.Linq;
using System.Reactive.Subjects;
using System.Reactive.Threading.Tasks;
using FsBitrix.Esl.Connection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace FsBitrix.Esl.Inbound;

/// <summary>
/// A client of FreeSWITCH's inbound Event Socket (:8021) that stays connected: it authenticates, subscribes,
/// and after any drop reconnects with backoff, re-authenticates and re-subscribes. Events of every connection
/// come through the same observables; <see cref="ConnectionStates"/> tells when a gap happened.
/// </summary>
/// <example>
/// Print every hangup with its talk time; the client reconnects and re-subscribes by itself:
/// <code>
/// await using var esl = new EslInboundClient(new EslInboundOptions
/// {
///     Host = "127.0.0.1", Port = 8021, Password = "ClueCon", Events = [EslEventNames.ChannelHangupComplete],
/// });
/// using var hangups = esl.Events.Subscribe(e => Console.WriteLine($"{e.UniqueId} {e.GetVariable("billsec")} s"));
/// await esl.StartAsync();
/// EslReply status = await esl.ApiAsync("status");
/// </code>
/// </example>
public sealed partial class EslInboundClient : EslEndpoint, IAsyncDisposable
{
    private readonly EslInboundOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly BehaviorSubject<EslConnectionState> _state;
    private readonly CancellationTokenSource _stop = new();
    private EslConnection? _connection;
    private Task _loop = Task.CompletedTask;
    private int _epoch;
    private int _disposed;

    public EslInboundClient(EslInboundOptions options, ILogger<EslInboundClient>? logger = null, TimeProvider? time = null)
    {
        _options = options;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _time = time ?? TimeProvider.System;
        _state = new BehaviorSubject<EslConnectionState>(
            new EslConnectionState(EslConnectionStatus.Disconnected, 0, null, _time.GetUtcNow()));
    }

    public IObservable<EslConnectionState> ConnectionStates => _state.AsObservable();

    public EslConnectionState State => _state.Value;

    internal override EslConnection? CurrentConnection => Volatile.Read(ref _connection);

    /// <summary>Starts connecting in the background; see <see cref="WaitConnectedAsync"/>.</summary>
    public Task StartAsync(CancellationToken cancellationToken = default)
    {
        _loop = Task.Run(() => RunAsync(_stop.Token), cancellationToken);
        return Task.CompletedTask;
    }

    /// <summary>Waits until connected, authenticated and subscribed.</summary>
    public Task<EslConnectionState> WaitConnectedAsync(CancellationToken cancellationToken = default) =>
        _state.FirstAsync(s => s.IsConnected).ToTask(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopped on purpose.
        }

        Publish(EslConnectionStatus.Stopped, null);
        _state.OnCompleted();
        CompleteStreams();
        _stop.Dispose();
    }

    private async Task RunAsync(CancellationToken stop)
    {
        int failures = 0;
        while (!stop.IsCancellationRequested)
        {
            Publish(EslConnectionStatus.Connecting, null);
            EslConnection? connection = null;
            try
            {
                connection = await ConnectAsync(stop).ConfigureAwait(false);
                Volatile.Write(ref _connection, connection);
                failures = 0;
                int epoch = Interlocked.Increment(ref _epoch);
                LogConnected(_options.Host, _options.Port, epoch);
                Publish(EslConnectionStatus.Connected, null);

                Exception? reason = await connection.Closed.WaitAsync(stop).ConfigureAwait(false);
                LogDisconnected(_options.Host, _options.Port, reason?.Message ?? "closed by FreeSWITCH");
                Publish(EslConnectionStatus.Disconnected, reason);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex) when (ex is EslAuthenticationException or EslRudeRejectionException)
            {
                LogRefused(_options.Host, _options.Port, ex.Message);
                Publish(EslConnectionStatus.Refused, ex);
            }
#pragma warning disable CA1031 // any failure to connect means: wait and try again
            catch (Exception ex)
#pragma warning restore CA1031
            {
                LogConnectFailed(_options.Host, _options.Port, ex.Message);
                Publish(EslConnectionStatus.Disconnected, ex);
            }
            finally
            {
                Volatile.Write(ref _connection, null);
                if (connection is not null)
                {
                    await connection.DisposeAsync().ConfigureAwait(false);
                }
            }

            TimeSpan delay = _options.Reconnect.Delay(failures++, Random.Shared.NextDouble());
            try
            {
                await Task.Delay(delay, _time, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    private async Task<EslConnection> ConnectAsync(CancellationToken stop)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, SendTimeout = (int)_options.CommandTimeout.TotalMilliseconds };
        // A blocking connect (an asynchronous one would make the socket non-blocking for good: see BlockingSocketStream),
        // on a pool thread, abandoned after ConnectTimeout: disposing the socket ends it.
        Task connect = Task.Run(() => socket.Connect(_options.Host, _options.Port), CancellationToken.None);
        try
        {
            await connect.WaitAsync(_options.ConnectTimeout, _time, stop).ConfigureAwait(false);
        }
        catch
        {
            socket.Dispose();
            _ = connect.ContinueWith(t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            throw;
        }

        var connection = new EslConnection(new BlockingSocketStream(socket), _options, this, Statistics, _logger, _time);
        connection.Start();
        try
        {
            await connection.AuthRequested.WaitAsync(_options.ConnectTimeout, _time, stop).ConfigureAwait(false);
            EslReply auth = await connection.SendAsync(new EslCommand("auth " + _options.Password), stop).ConfigureAwait(false);
            if (!auth.IsSuccess)
            {
                throw new EslAuthenticationException($"FreeSWITCH refused the Event Socket password ({auth.Text.Trim()})");
            }

            foreach (EslCommand command in SubscriptionCommands())
            {
                EslReply reply = await connection.SendAsync(command, stop).ConfigureAwait(false);
                if (!reply.IsSuccess)
                {
                    LogSubscriptionRefused(command.ToString(), reply.Text);
                }
            }

            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private List<EslCommand> SubscriptionCommands()
    {
        var commands = new List<EslCommand>();
        if (_options.Events.Count > 0 || _options.CustomSubclasses.Count > 0)
        {
            commands.Add(EventCommands.Subscribe(_options.EventFormat, _options.Events, _options.CustomSubclasses));
        }

        commands.AddRange(_options.Filters.Select(f => EventCommands.Filter(f.Key, f.Value)));
        return commands;
    }

    private void Publish(EslConnectionStatus status, Exception? error)
    {
        if (!_state.IsDisposed && _state.Value.Status != EslConnectionStatus.Stopped)
        {
            _state.OnNext(new EslConnectionState(status, Volatile.Read(ref _epoch), error, _time.GetUtcNow()));
        }
    }
}
