using FsBitrix.Esl.Events;
using FsBitrix.Esl.Inbound;
using FsBitrix.Simulator.Flows;

namespace FsBitrix.Simulator.Tests.Support;

/// <summary>A simulator on an ephemeral 127.0.0.1 port, fast (×1000), and the ESL library's real client subscribed to it.</summary>
internal sealed class Harness : IAsyncDisposable
{
    public const double FastSpeed = 1000;
    private readonly List<EslInboundClient> _clients = [];
    private readonly List<IDisposable> _subscriptions = [];
    private int _fired;

    private Harness(FreeSwitchSimulator simulator)
    {
        Simulator = simulator;
        Simulator.EventFired += (_, _) => Interlocked.Increment(ref _fired);
    }

    public FreeSwitchSimulator Simulator { get; }

    /// <summary>Events the switch has fired so far (every client subscribed to ALL gets exactly these).</summary>
    public int Fired => Volatile.Read(ref _fired);

    /// <param name="speed">Virtual seconds per real second; ×1000 unless the test drives an injected clock.</param>
    public static async Task<Harness> StartAsync(SimulatorOptions? options = null, double speed = FastSpeed)
    {
        var simulator = new FreeSwitchSimulator((options ?? new SimulatorOptions()) with { Port = 0, Speed = speed });
        await simulator.StartAsync();
        return new Harness(simulator);
    }

    public static EslInboundOptions ClientOptions(int port, params string[] events) => new()
    {
        Port = port,
        Events = events.Length == 0 ? [EslEventNames.All] : events,
        Reconnect = new ReconnectBackoff { InitialDelay = TimeSpan.FromMilliseconds(20), MaxDelay = TimeSpan.FromMilliseconds(100) },
    };

    /// <summary>A connected client and the log of what it receives.</summary>
    public async Task<(EslInboundClient Client, EventLog Log)> ConnectAsync(EslInboundOptions? options = null)
    {
        var client = new EslInboundClient(options ?? ClientOptions(Simulator.Port));
        var log = new EventLog();
        _subscriptions.Add(client.Events.Subscribe(log));
        _clients.Add(client);
        await client.StartAsync();
        await client.WaitConnectedAsync().WaitAsync(TimeSpan.FromSeconds(10));
        return (client, log);
    }

    /// <summary>Plays a flow to its end and waits until the client has received every event it fired.</summary>
    public async Task<List<EslEvent>> PlayAsync(CallScript script, EventLog log)
    {
        int before = log.Snapshot().Count;
        await Simulator.PlayAsync(script).WaitAsync(TimeSpan.FromSeconds(10));
        List<EslEvent> all = await log.WaitForCountAsync(Fired);
        return all.Skip(before).ToList();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (IDisposable s in _subscriptions)
        {
            s.Dispose();
        }

        foreach (EslInboundClient c in _clients)
        {
            await c.DisposeAsync();
        }

        await Simulator.DisposeAsync();
    }

}
