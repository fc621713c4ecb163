using System.Collections.Immutable;
using FsBitrix.Core.Queues;
using FsBitrix.Esl.Events;

namespace FsBitrix.Queues;

// Keeping a planner step and turning its actions into orders; runs under the board's lock.
internal sealed partial class QueueBoard
{
    private void Carry(Entry entry, QueueStep step)
    {
        _presence = step.Presence;
        if (step.Cursor is { } cursor)
        {
            _cursors[entry.Queue.Key] = cursor;
        }

        entry.State = step.Call;
        foreach (QueueAction action in step.Actions)
        {
            switch (action)
            {
                case RingAgents ring:
                    entry.Driver.Post(Ring(entry, ring));
                    break;
                case StopRinging stop:
                    ImmutableArray<string> legs = [.. stop.Extensions.Select(x => entry.Ringing.GetValueOrDefault(x)).OfType<string>()];
                    if (!legs.IsEmpty)
                    {
                        entry.Driver.Post(new QueueOrder.Kill(legs));
                    }

                    break;
                case BridgeTo bridged:
                    entry.Driver.Post(new QueueOrder.Answered(bridged.Extension));
                    break;
                case FinishMissed:
                    entry.Driver.Post(new QueueOrder.Abandoned());
                    break;
                case Fallback fallback:
                    FallBack(entry, fallback.Target);
                    break;
            }
        }
    }

    private QueueOrder.Ring Ring(Entry entry, RingAgents ring)
    {
        ImmutableArray<(string Extension, string LegUuid)> legs = [.. ring.Extensions.Select(x => (x, Guid.NewGuid().ToString()))];
        entry.Ringing.Clear();
        foreach ((string extension, string leg) in legs)
        {
            entry.Ringing[extension] = leg;
            entry.Extensions[leg] = extension;
            _legs[leg] = entry.State.CallKey;
        }

        return new QueueOrder.Ring(ring.Attempt, ring.Timeout, legs);
    }

    private void FallBack(Entry entry, QueueFallback target)
    {
        switch (target)
        {
            case QueueFallback.Queue next when findQueue(entry.Queue.Domain, next.Name) is { } queue:
                // The caller stays on this socket; the next queue plans at once (its maximum wait starts now).
                DateTimeOffset now = time.GetUtcNow();
                entry.Queue = queue;
                entry.State = entry.State.FallBackInto(queue, now);
                Carry(entry, QueuePlanner.Next(entry.State, queue, _presence, null, Cursor(queue), now));
                break;
            case QueueFallback.Extension extension:
                entry.Driver.Post(new QueueOrder.Transfer(extension.Number));
                break;
            case QueueFallback.Hangup hangup:
                entry.Driver.Post(new QueueOrder.Hangup(hangup.Cause));
                break;
            default:
                entry.Driver.Post(new QueueOrder.Hangup(HangupCause.NO_ANSWER));
                break;
        }
    }

    private sealed class Entry(QueueCallState state, QueueDefinition queue, IQueueCallDriver driver)
    {
        public QueueCallState State { get; set; } = state;

        public QueueDefinition Queue { get; set; } = queue;

        public IQueueCallDriver Driver { get; } = driver;

        /// <summary>Extension → its leg in the ring now (what StopRinging names).</summary>
        public Dictionary<string, string> Ringing { get; } = new(StringComparer.Ordinal);

        /// <summary>Every leg this call rang → its extension.</summary>
        public Dictionary<string, string> Extensions { get; } = new(StringComparer.Ordinal);

        public IEnumerable<string> Legs => Extensions.Keys;
    }
}
