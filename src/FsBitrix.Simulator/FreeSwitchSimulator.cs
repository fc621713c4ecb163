using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using FsBitrix.Simulator.Flows;
using FsBitrix.Simulator.Server;
using FsBitrix.Simulator.Switch;
using FsBitrix.Simulator.Wire;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace FsBitrix.Simulator;

/// <summary>
/// An in-process FreeSWITCH for the demo and end-to-end tests: an inbound Event Socket on 127.0.0.1 that speaks
/// the real protocol, and a switch that plays call flows with fresh UUIDs, shaped like FreeSWITCH 1.10.12's own.
/// Start it, point the service (or any ESL client) at <see cref="Port"/>, then <see cref="PlayAsync"/> scripts;
/// click-to-call flows start when a client sends <c>bgapi originate</c>.
/// </summary>
public sealed partial class FreeSwitchSimulator : IAsyncDisposable
{
    private readonly SimulatorOptions _options;
    private readonly ILogger _logger;
    private readonly ApiCommands _api;
    private readonly ConcurrentDictionary<ClientSession, Task> _sessions = new();
    private readonly ConcurrentDictionary<Task, bool> _flows = new();
    private readonly CancellationTokenSource _stop = new();
    private TcpListener? _listener;
    private Task _accepting = Task.CompletedTask;

    public FreeSwitchSimulator(SimulatorOptions? options = null)
    {
        _options = options ?? new SimulatorOptions();
        _logger = _options.Logger ?? NullLogger.Instance;
        Switch = new SimulatedSwitch(new SimClock(_options.Time, _options.Speed), _options.Hostname);
        Switch.Fired += Broadcast;
        _api = new ApiCommands(this, _options);
    }

    public SimulatedSwitch Switch { get; }

    /// <summary>The port listened on (the one chosen when <see cref="SimulatorOptions.Port"/> was 0).</summary>
    public int Port { get; private set; }

    public int ConnectedClients => _sessions.Count;

    /// <summary>Live channels, as <c>show channels</c> lists them.</summary>
    public IReadOnlyList<Leg> Channels => Switch.Legs;

    /// <summary>Every event as fired, before any listener's filter; for the demo's narration and tests.</summary>
    public event EventHandler<SimEvent>? EventFired;

    /// <summary>Listens on 127.0.0.1 only; connections are accepted in the background.</summary>
    public Task StartAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        _listener = new TcpListener(IPAddress.Loopback, _options.Port);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accepting = AcceptAsync(_listener, _stop.Token);
        LogListening(Port);
        return Task.CompletedTask;
    }

    /// <summary>Plays one call flow to its end (every leg destroyed); cancelling stops it where it is.</summary>
    public Task PlayAsync(CallScript script, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(script);
        LogPlaying(script.Name, script.From, script.To);
        return Track(new CallRun(Switch, _options, script).PlayAsync(Linked(cancellationToken)));
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener?.Stop();
        await Quietly(_accepting).ConfigureAwait(false);
        foreach (Task t in _sessions.Values.Concat(_flows.Keys))
        {
            await Quietly(t).ConfigureAwait(false);
        }

        Switch.Fired -= Broadcast;
        _stop.Dispose();
    }

    /// <summary>A click-to-call asked for with bgapi: its flow runs on its own; the job answers from inside it.</summary>
    internal void StartOriginate(OriginateJob job, Originate originate)
    {
        string? timeout = originate.Variable("originate_timeout");
        var script = new CallScript
        {
            Name = "click-to-call",
            Kind = FlowKind.ClickToCall,
            From = originate.Variable("origination_caller_id_number") ?? originate.RepNumber,
            To = originate.ClientNumber ?? string.Empty,
            Rings = originate.ClientNumber is { } client
                ? [Group(originate.RepNumber, _options.DefaultRep, timeout), Group(client, _options.DefaultClient, null)]
                : [Group(originate.RepNumber, _options.DefaultRep, timeout)],
            Talk = _options.DefaultTalk,
            Record = false,
            OriginateVariables = originate.Variables,
            PresentedNumber = originate.ClientVariables.FirstOrDefault(v => v.Key == "origination_caller_id_number").Value,
            FirstLegUuid = originate.Variable("origination_uuid"),
            CallTimeout = TimeSpan.FromSeconds(60),
        };
        LogPlaying(script.Name, originate.RepNumber, script.To);
        _ = Track(new CallRun(Switch, _options, script).PlayOriginateAsync(job, _stop.Token));
    }

    private RingGroup Group(string number, Phone fallback, string? timeoutSeconds) =>
        new([_options.PhoneFor(number, fallback)],
            int.TryParse(timeoutSeconds, out int s) ? TimeSpan.FromSeconds(s) : null);

    private async Task AcceptAsync(TcpListener listener, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptSocketAsync(ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            socket.NoDelay = true;
            var session = new ClientSession(new NetworkStream(socket, ownsSocket: true), _options.Password, _api);
            var started = new TaskCompletionSource();
            Task run = RunSessionAsync(session, started.Task, ct);
            _sessions[session] = run;
            started.SetResult();
        }
    }

    private async Task RunSessionAsync(ClientSession session, Task registered, CancellationToken ct)
    {
        await registered.ConfigureAwait(false);
        try
        {
            await session.RunAsync(ct).ConfigureAwait(false);
        }
        finally
        {
            _sessions.TryRemove(session, out _);
        }
    }

    private void Broadcast(SimEvent e)
    {
        foreach (ClientSession session in _sessions.Keys)
        {
            session.Offer(e);
        }

        EventFired?.Invoke(this, e);
    }

    private async Task Track(Task flow)
    {
        _flows[flow] = true;
        try
        {
            await flow.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // The simulator stops: calls end where they are.
        }
        catch (Exception ex)
        {
            LogFlowFailed(ex);
            throw;
        }
        finally
        {
            _flows.TryRemove(flow, out _);
        }
    }

    private CancellationToken Linked(CancellationToken ct)
    {
        if (!ct.CanBeCanceled)
        {
            return _stop.Token;
        }

        // Lives as long as the flow; the source is dropped with it (no timer, nothing to dispose early).
#pragma warning disable CA2000
        return CancellationTokenSource.CreateLinkedTokenSource(ct, _stop.Token).Token;
#pragma warning restore CA2000
    }

    private static async Task Quietly(Task t)
    {
        try
        {
            await t.ConfigureAwait(false);
        }
#pragma warning disable CA1031 // shutting down: each task's own failure was logged where it happened
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "FreeSWITCH simulator listening on 127.0.0.1:{Port}")]
    private partial void LogListening(int port);

    [LoggerMessage(Level = LogLevel.Information, Message = "Simulated call: {Flow}, {From} -> {To}")]
    private partial void LogPlaying(string flow, string from, string to);

    [LoggerMessage(Level = LogLevel.Error, Message = "Simulated call flow failed")]
    private partial void LogFlowFailed(Exception ex);
}
