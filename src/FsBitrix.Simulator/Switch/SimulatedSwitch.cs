using System.Collections.Concurrent;
using FsBitrix.Simulator.Wire;

namespace FsBitrix.Simulator.Switch;

/// <summary>
/// The switch's shared state: live legs, the global event sequence, and the hand-off of every fired event to the
/// listeners. Events are built and handed off under one lock, so every listener sees one order, the order of
/// <c>Event-Sequence</c>, even when several calls run at once.
/// </summary>
public sealed class SimulatedSwitch
{
    private readonly Lock _gate = new();
    private readonly ConcurrentDictionary<string, Leg> _legs = new(StringComparer.Ordinal);
    private long _sequence = 1000;
    private int _sessions;
    private long _legOrder;

    internal SimulatedSwitch(SimClock clock, string hostname)
    {
        Clock = clock;
        Identity = new SwitchIdentity(Guid.NewGuid().ToString(), hostname, clock.Now);
    }

    public SimClock Clock { get; }

    /// <summary>Live legs, oldest first.</summary>
    public IReadOnlyList<Leg> Legs => [.. _legs.Values.OrderBy(l => l.Order)];

    public int SessionsSinceStart => Volatile.Read(ref _sessions);

    internal SwitchIdentity Identity { get; }

    /// <summary>Every event fired, in sequence order (the server fans them out to listeners).</summary>
    internal event Action<SimEvent>? Fired;

    public Leg? Find(string uuid) => _legs.GetValueOrDefault(uuid);

    internal Leg AddLeg(string uuid, string name, bool inbound, DateTimeOffset at)
    {
        var leg = new Leg(uuid, name, inbound, at, Interlocked.Increment(ref _legOrder));
        if (!_legs.TryAdd(uuid, leg))
        {
            throw new InvalidOperationException($"a channel with UUID {uuid} already exists");
        }

        Interlocked.Increment(ref _sessions);
        return leg;
    }

    internal void RemoveLeg(Leg leg) => _legs.TryRemove(leg.Uuid, out _);

    internal void Fire(string name, Leg leg, DateTimeOffset at, IEnumerable<(string, string)>? first = null,
        IEnumerable<(string, string)>? last = null)
    {
        lock (_gate)
        {
            SimEvent e = EventFactory.Envelope(Identity, name, at, ++_sequence);
            Fired?.Invoke(EventFactory.Channel(e, leg, first ?? [], last ?? []));
        }
    }

    /// <summary>A CUSTOM event of a module (vm::maintenance, callcenter::info): its own headers, then the leg's data if any.</summary>
    internal void FireCustom(string subclass, Leg? leg, DateTimeOffset at, IEnumerable<(string, string)> headers)
    {
        lock (_gate)
        {
            SimEvent e = EventFactory.Envelope(Identity, "CUSTOM", at, ++_sequence, subclass);
            if (leg is not null)
            {
                Fired?.Invoke(EventFactory.Channel(e, leg, headers, []));
                return;
            }

            foreach ((string h, string v) in headers)
            {
                e.Add(h, v);
            }

            Fired?.Invoke(e);
        }
    }

    /// <summary>An event without channel data (API, BACKGROUND_JOB).</summary>
    internal void FireGlobal(string name, DateTimeOffset at, IEnumerable<(string, string)> headers, string? body = null)
    {
        lock (_gate)
        {
            SimEvent e = EventFactory.Envelope(Identity, name, at, ++_sequence);
            foreach ((string h, string v) in headers)
            {
                e.Add(h, v);
            }

            Fired?.Invoke(body is null ? e : e.WithBody(body));
        }
    }
}
