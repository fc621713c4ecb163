using FsBitrix.Core.Calls;
using FsBitrix.Core.Events;
using FsBitrix.Core.Queues;

namespace FsBitrix.Queues;

/// <summary>
/// The one place where queue state changes: the shared <see cref="AgentPresence"/>, each queue's round-robin cursor
/// and every waiting caller's <see cref="QueueCallState"/>, all behind one lock, so a channel event, a timer and a
/// second caller never plan against different pictures of who is free. The planner decides; the board keeps the
/// results and hands the actions, with leg UUIDs, to the call's driver.
/// </summary>
/// <param name="findQueue">A queue by its company's domain (null: the default company) and name, for fallbacks.</param>
internal sealed partial class QueueBoard(CallSettings settings, TimeProvider time, Func<string?, string, QueueDefinition?> findQueue)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, string?> _cursors = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Entry> _calls = new(StringComparer.Ordinal);

    // Leg UUID → the call that rang it, so an answer finds its caller before (or without) its CHANNEL_CREATE.
    private readonly Dictionary<string, string> _legs = new(StringComparer.Ordinal);
    private HashSet<string>? _seenSinceResync;
    private AgentPresence _presence = AgentPresence.Empty;

    /// <summary>The presence now (a value: safe to read anywhere).</summary>
    public AgentPresence Presence
    {
        get
        {
            lock (_gate)
            {
                return _presence;
            }
        }
    }

    /// <summary>Callers in a queue now.</summary>
    public int Waiting
    {
        get
        {
            lock (_gate)
            {
                return _calls.Count;
            }
        }
    }

    /// <summary>A caller entered <paramref name="queue"/>; nothing rings until <see cref="Next"/>.</summary>
    public void Enter(string callKey, QueueDefinition queue, IQueueCallDriver driver)
    {
        lock (_gate)
        {
            _calls[callKey] = new Entry(QueueCallState.Enter(callKey, queue, time.GetUtcNow()), queue, driver);
        }
    }

    /// <summary>The CRM answered (<paramref name="responsibleRep"/>: their extension, or null): start ringing.</summary>
    public void Next(string callKey, string? responsibleRep)
    {
        lock (_gate)
        {
            if (_calls.TryGetValue(callKey, out Entry? entry))
            {
                Carry(entry, QueuePlanner.Next(entry.State, entry.Queue, _presence, responsibleRep, Cursor(entry.Queue), time.GetUtcNow()));
            }
        }
    }

    /// <summary>Ring <paramref name="attempt"/> ended unanswered (its timer, or the bridge returned); stale ones change nothing.</summary>
    public void RingEnded(string callKey, int attempt)
    {
        lock (_gate)
        {
            if (_calls.TryGetValue(callKey, out Entry? entry))
            {
                Carry(entry, QueuePlanner.OnAgentTimeout(entry.State, attempt, entry.Queue, _presence, Cursor(entry.Queue), time.GetUtcNow()));
            }
        }
    }

    public void CallerHungUp(string callKey)
    {
        lock (_gate)
        {
            if (_calls.TryGetValue(callKey, out Entry? entry))
            {
                Carry(entry, QueuePlanner.OnCallerHungUp(entry.State, _presence));
            }
        }
    }

    /// <summary>The call's socket is done: forget it (its legs stay in the presence until they hang up).</summary>
    public void Leave(string callKey)
    {
        lock (_gate)
        {
            if (_calls.Remove(callKey, out Entry? entry))
            {
                _presence = _presence.Withdraw(callKey);
                foreach (string leg in entry.Legs)
                {
                    _legs.Remove(leg);
                }
            }
        }
    }

    /// <summary>Every channel event of every call (the inbound socket's stream): phones' legs, and our agents' answers.</summary>
    public void Apply(ChannelEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        lock (_gate)
        {
            _presence = _presence.Apply(e, settings);
            if (e.Kind == ChannelEventKind.Create && e.UniqueId is { } created)
            {
                _seenSinceResync?.Add(created);
            }

            if (e.Kind == ChannelEventKind.Answer && e.UniqueId is { } uuid)
            {
                Answered(uuid);
            }
        }

        PresenceChanged?.Invoke();
    }

    /// <summary>Raised after every channel event has been applied (tests and metrics await presence through it).</summary>
    public event Action? PresenceChanged;

    /// <summary>
    /// The bridge came back answered with this leg: normally the leg's CHANNEL_ANSWER was applied long before, but the
    /// two sockets are not ordered, and a ring taken for unanswered would ring the next agent.
    /// </summary>
    public void BridgeAnswered(string legUuid)
    {
        lock (_gate)
        {
            Answered(legUuid);
        }
    }

    private void Answered(string legUuid)
    {
        if (_legs.TryGetValue(legUuid, out string? callKey) && _calls.TryGetValue(callKey, out Entry? entry)
            && entry.Extensions.TryGetValue(legUuid, out string? extension))
        {
            Carry(entry, QueuePlanner.OnAgentAnswered(entry.State, extension, _presence));
        }
    }

    /// <summary>Call just before asking FreeSWITCH for its live channels (after a reconnect).</summary>
    public void BeginResync()
    {
        lock (_gate)
        {
            _seenSinceResync = new HashSet<string>(StringComparer.Ordinal);
        }
    }

    /// <summary>
    /// Drops phones' legs that ended while events were not seen, else those agents would look busy forever; legs
    /// created after the snapshot was asked for are live too.
    /// </summary>
    public void KeepOnly(IReadOnlySet<string> live)
    {
        ArgumentNullException.ThrowIfNull(live);
        lock (_gate)
        {
            HashSet<string> seen = _seenSinceResync ?? [];
            _seenSinceResync = null;
            List<string> gone = [.. _presence.Legs.Keys.Where(uuid => !live.Contains(uuid) && !seen.Contains(uuid))];
            if (gone.Count > 0)
            {
                _presence = _presence with { Legs = _presence.Legs.RemoveRange(gone) };
            }
        }
    }

    private string? Cursor(QueueDefinition queue) => _cursors.GetValueOrDefault(queue.Key);
}
