using System.Collections.Immutable;

namespace FsBitrix.Core.Queues;

/// <summary>
/// The queue's rules as a pure state machine: each function takes the caller's <see cref="QueueCallState"/> and the
/// shared <see cref="AgentPresence"/>, and returns both updated plus the <see cref="QueueAction"/>s to carry out.
/// Time comes in as <c>now</c>; timers are the service's (it calls <see cref="OnAgentTimeout"/>).
/// </summary>
public static partial class QueuePlanner
{
    /// <summary>
    /// The first step once the caller is in the queue and the CRM told who their responsible rep is (null: none or
    /// no extension); later, any time the call waits with nothing ringing. A no-op in any other phase.
    /// </summary>
    /// <param name="cursor">The queue's round-robin cursor: the agent it offered a call to last.</param>
    public static QueueStep Next(QueueCallState call, QueueDefinition queue, AgentPresence presence,
        string? responsibleRep, string? cursor, DateTimeOffset now)
    {
        Check(call, queue, presence);
        return call.Phase == QueueCallPhase.Waiting
            ? Plan(call, queue, presence, responsibleRep, cursor, now, [])
            : Unchanged(call, presence);
    }

    /// <summary>
    /// The ring of <paramref name="attempt"/> ended unanswered: its timeout passed, or FreeSWITCH's bridge returned
    /// (leg timeout, reject, unreachable). Stops those phones and plans the next agent, round or fallback.
    /// A stale attempt (a later ring is on, or the call moved on) changes nothing.
    /// </summary>
    public static QueueStep OnAgentTimeout(QueueCallState call, int attempt, QueueDefinition queue,
        AgentPresence presence, string? cursor, DateTimeOffset now)
    {
        Check(call, queue, presence);
        if (call.Phase != QueueCallPhase.Ringing || attempt != call.Attempt)
        {
            return Unchanged(call, presence);
        }

        QueueAction stop = new StopRinging(call.Ringing);
        call = call with { Phase = QueueCallPhase.Waiting, Ringing = [], RingingResponsible = false };
        return Plan(call, queue, presence.Withdraw(call.CallKey), null, cursor, now, [stop]);
    }

    /// <summary>
    /// An agent's leg of this call answered. The others stop ringing (FreeSWITCH cancels them with LOSE_RACE
    /// itself when they share the bridge) and the caller is with that agent. Accepted while the call waits too:
    /// a leg that answered just as its ring was stopped is still the person the caller hears.
    /// </summary>
    public static QueueStep OnAgentAnswered(QueueCallState call, string extension, AgentPresence presence)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(presence);
        if (call.IsOver)
        {
            return Unchanged(call, presence);
        }

        ImmutableArray<string> others = call.Ringing.Remove(extension);
        ImmutableArray<QueueAction> actions = others.IsEmpty
            ? [new BridgeTo(extension)]
            : [new StopRinging(others), new BridgeTo(extension)];
        call = call with { Phase = QueueCallPhase.Bridged, Ringing = [], RingingResponsible = false, AnsweredBy = extension };
        return new QueueStep(call, presence.Withdraw(call.CallKey), null, actions);
    }

    /// <summary>The caller hung up before anyone answered: every ringing phone stops, and the call is missed.</summary>
    public static QueueStep OnCallerHungUp(QueueCallState call, AgentPresence presence)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(presence);
        if (call.IsOver)
        {
            return Unchanged(call, presence);
        }

        ImmutableArray<QueueAction> actions = call.Ringing.IsEmpty
            ? [new FinishMissed(call.OfferedTo)]
            : [new StopRinging(call.Ringing), new FinishMissed(call.OfferedTo)];
        call = call with { Phase = QueueCallPhase.Abandoned, Ringing = [], RingingResponsible = false };
        return new QueueStep(call, presence.Withdraw(call.CallKey), null, actions);
    }

    private static QueueStep Plan(QueueCallState call, QueueDefinition queue, AgentPresence presence,
        string? responsibleRep, string? cursor, DateTimeOffset now, ImmutableArray<QueueAction> actions)
    {
        TimeSpan left = call.EnteredAt + queue.MaxWait - now;
        if (left <= TimeSpan.Zero)
        {
            return FallBack(call, queue, presence, actions);
        }

        if (!call.ResponsibleOffered)
        {
            call = call with { ResponsibleOffered = true };
            if (responsibleRep is not null && queue.ResponsibleFirst > TimeSpan.Zero
                && !presence.IsBusy(responsibleRep, call.CallKey))
            {
                return Ring(call, presence, [responsibleRep], Min(queue.ResponsibleFirst, left), responsible: true,
                    cursor: null, actions);
            }
        }

        (ImmutableArray<string> agents, bool newRound) = Pick(call, queue, presence, cursor, now);
        if (agents.IsEmpty || (newRound && SpunThrough(call, queue, now)))
        {
            return FallBack(call, queue, presence, actions);
        }

        call = call with
        {
            TriedThisRound = (newRound ? call.TriedThisRound.Clear() : call.TriedThisRound).Union(agents),
            RoundStartedAt = newRound ? now : call.RoundStartedAt,
        };
        return Ring(call, presence, agents, Min(queue.RingTimeout, left), responsible: false, cursor: agents[^1],
            actions);
    }

    private static QueueStep Ring(QueueCallState call, AgentPresence presence, ImmutableArray<string> extensions,
        TimeSpan timeout, bool responsible, string? cursor, ImmutableArray<QueueAction> actions)
    {
        int attempt = call.Attempt + 1;
        call = call with
        {
            Phase = QueueCallPhase.Ringing,
            Ringing = extensions,
            Attempt = attempt,
            RingingResponsible = responsible,
            OfferedTo = Offered(call.OfferedTo, extensions),
        };
        return new QueueStep(call, presence.Offer(call.CallKey, extensions), cursor,
            actions.Add(new RingAgents(extensions, timeout, attempt)));
    }

    private static QueueStep FallBack(QueueCallState call, QueueDefinition queue, AgentPresence presence,
        ImmutableArray<QueueAction> actions)
    {
        // A fallback chain that leads back to a queue this caller already waited in would keep them forever.
        QueueFallback target = queue.Fallback is QueueFallback.Queue q && call.QueuesVisited.Contains(q.Name)
            ? QueueFallback.NoAnswer
            : queue.Fallback;
        call = call with { Phase = QueueCallPhase.FellBack, Ringing = [], RingingResponsible = false };
        return new QueueStep(call, presence.Withdraw(call.CallKey), null, actions.Add(new Fallback(target)));
    }

    // A whole round over in under half a ring timeout means every phone refused or was unreachable at once:
    // ringing them again would spin bridges against FreeSWITCH until the maximum wait.
    private static bool SpunThrough(QueueCallState call, QueueDefinition queue, DateTimeOffset now) =>
        call.RoundStartedAt is { } started && now - started < queue.RingTimeout / 2;

    private static ImmutableArray<string> Offered(ImmutableArray<string> offeredTo, ImmutableArray<string> now)
    {
        foreach (string extension in now)
        {
            offeredTo = offeredTo.Remove(extension).Add(extension);
        }

        return offeredTo;
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private static QueueStep Unchanged(QueueCallState call, AgentPresence presence) => new(call, presence, null, []);

    private static void Check(QueueCallState call, QueueDefinition queue, AgentPresence presence)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(queue);
        ArgumentNullException.ThrowIfNull(presence);
    }
}
