namespace FsBitrix.Core.Calls;

// Ending a call whose hangups were never seen: after an ESL gap or a restart, and for calls idle too long.
public sealed partial class CallReducer
{
    /// <summary>
    /// After a gap in events (ESL reconnect, service restart): every leg not among FreeSWITCH's live channels hung
    /// up unseen. Those legs end as their hangups would have ended them (cards hidden by the usual rules, one finish
    /// once no leg is left); live legs stay as they are. A call already over is returned as is.
    /// </summary>
    /// <param name="liveChannelUuids">The UUIDs of <c>show channels as json</c> (see <see cref="Reconciliation.LiveChannels"/>).</param>
    /// <param name="now">Only a fallback for a call that never carried an event time.</param>
    /// <param name="seenUntil">
    /// The time of the last event of any kind received before the gap, if known (a reconnect knows it, a restart
    /// does not): no hangup was seen before it, so every leg was still up then.
    /// </param>
    /// <param name="answeredUuids">
    /// The live channels whose <c>callstate</c> says answered (<see cref="Reconciliation.LiveChannels"/>): a leg we knew
    /// ringing that was answered in the gap is answered from here, as if its CHANNEL_ANSWER had come at
    /// <paramref name="now"/> — the latest it can have happened, so no talk time is counted that was not had. Its
    /// later hangup (answer_uepoch) or its CDR gives the true answer time.
    /// </param>
    public (CallState State, IReadOnlyList<CallCommand> Commands) Reconcile(
        CallState state, IReadOnlySet<string> liveChannelUuids, DateTimeOffset now, DateTimeOffset? seenUntil = null,
        IReadOnlySet<string>? answeredUuids = null)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(liveChannelUuids);
        state = AfterGap(state);
        foreach (LegState leg in state.Legs.Where(l => !l.Answered && !l.Ended && liveChannelUuids.Contains(l.Uuid)
            && answeredUuids?.Contains(l.Uuid) == true).ToList())
        {
            state = AnsweredUnseen(state, leg, now);
        }

        return EndUnseen(state, leg => !liveChannelUuids.Contains(leg.Uuid), KnownAliveUntil(state, seenUntil) ?? now);
    }

    /// <summary>
    /// The call was up while events were not received (the connection lost, the service stopped): a leg may have been
    /// created, answered or ended unseen, so its finish will be a guess (<see cref="FinishCall.Estimated"/>).
    /// </summary>
    public CallState AfterGap(CallState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return state.IsOver || state.ThroughGap ? state : state with { ThroughGap = true };
    }

    /// <summary>
    /// A call with no event for <see cref="CallSettings.IdleTimeout"/> is ended as if none of its legs were live, so
    /// a hangup lost without a reconnect (FreeSWITCH drops events when a consumer's queue is full) cannot keep a
    /// call in memory, and in the store, for ever. Calls with a recent event are returned as they are.
    /// </summary>
    public (CallState State, IReadOnlyList<CallCommand> Commands) Expire(CallState state, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);

        // A call that never carried a time cannot be shown to be fresh: it expires too.
        DateTimeOffset? last = state.LastEventAt ?? state.StartedAt;
        bool idle = last is not { } t || now - t >= _settings.IdleTimeout;
        return idle ? EndUnseen(state, _ => true, last ?? now) : (state, []);
    }

    /// <summary>Ends the matching legs that are not ended yet; <paramref name="end"/> is when they were last known up.</summary>
    private (CallState State, IReadOnlyList<CallCommand> Commands) EndUnseen(
        CallState state, Func<LegState, bool> gone, DateTimeOffset end)
    {
        if (state.IsOver)
        {
            return (state, []);
        }

        // All at once, before any card rule runs: in which order they hung up is unknown, and a leg about to be
        // ended must not count as a live colleague of another.
        List<LegState> ended = state.Legs.Where(l => !l.Ended && gone(l)).Select(l => EndedAt(l, end)).ToList();
        if (ended.Count == 0)
        {
            return (state, []);
        }

        foreach (LegState leg in ended)
        {
            state = state.WithLeg(leg);
        }

        var commands = new List<CallCommand>();
        state = ReleaseHeld(AfterLegsEnded(state, ended, commands), commands);
        return (state, state.Silent ? [] : commands);
    }

    // Talk time counts only what is known: from its answer to when it was last known up, never up to "now". A leg
    // answered is known up at its answer, even when that was learnt later than any event (a resync's callstate).
    private static LegState EndedAt(LegState leg, DateTimeOffset end) => leg with
    {
        Ended = true,
        EndInferred = true,
        EndedAt = leg.AnsweredAt is { } at && at > end ? at : end,
        Billsec = leg.AnsweredAt is { } answered && end > answered ? (int)(end - answered).TotalSeconds : 0,
    };

    private static DateTimeOffset? KnownAliveUntil(CallState state, DateTimeOffset? seenUntil) =>
        (state.LastEventAt, seenUntil) switch
        {
            ({ } a, { } b) => a > b ? a : b,
            (var a, var b) => a ?? b,
        };
}
