using FsBitrix.Core.Events;

namespace FsBitrix.Calls;

/// <summary>What enters the call pipeline: channel events, and the service's own markers for resync and expiry.</summary>
internal abstract record CallInput
{
    public sealed record Event(ChannelEvent ChannelEvent) : CallInput;

    /// <summary>About to ask a node for its live channels: its legs seen from here on count as live.</summary>
    /// <param name="Node">The node (<c>ChannelEvent.Node</c>); null with one node.</param>
    public sealed record ResyncStarted(string? Node = null) : CallInput;

    /// <summary>The connection to a node dropped: its calls followed now live through a gap.</summary>
    public sealed record GapBegan(string? Node = null) : CallInput;

    /// <summary>Completes <paramref name="Done"/> once every earlier input's commands are in the outbox.</summary>
    public sealed record Flush(TaskCompletionSource Done) : CallInput;

    /// <summary>FreeSWITCH's live channels after a gap (reconnect or restart).</summary>
    /// <param name="Answered">The live channels whose callstate says answered.</param>
    public sealed record ResyncSnapshot(IReadOnlySet<string> LiveChannels, DateTimeOffset Now, IReadOnlySet<string>? Answered = null,
        string? Node = null) : CallInput;

    /// <summary>One call's legs checked with FreeSWITCH (those not live ended unseen), outside a resync.</summary>
    public sealed record CallSnapshot(string CallKey, IReadOnlySet<string> LiveChannels, DateTimeOffset Now) : CallInput;

    /// <summary>Periodic check for calls that have been silent too long.</summary>
    public sealed record ExpiryTick(DateTimeOffset Now) : CallInput;

    /// <summary>An originate with these <c>origination_uuid</c>s is about to be sent: watch for its legs.</summary>
    public sealed record OriginateExpected(IReadOnlyList<string> OriginationUuids) : CallInput;

    /// <summary>A call whose legs were never seen created, to be followed from now on (see <see cref="CallTracker.Adopt"/>).</summary>
    public sealed record Adopted(FsBitrix.Core.Calls.CallState State) : CallInput;

    /// <summary>
    /// The originate's job is over. When it failed and none of its legs was ever seen, no channel event will ever
    /// finish the Bitrix24 call, so <see cref="FinishIfNoLeg"/> is sent instead (keyed by the first leg).
    /// </summary>
    public sealed record OriginateCompleted(IReadOnlyList<string> OriginationUuids, FsBitrix.Core.Calls.FinishCall? FinishIfNoLeg,
        string? Domain = null) : CallInput;
}

/// <summary>What one call's fold receives.</summary>
internal abstract record CallAction
{
    public sealed record Apply(ChannelEvent Event) : CallAction;

    public sealed record Reconcile(IReadOnlySet<string> LiveChannels, DateTimeOffset Now, DateTimeOffset? SeenUntil,
        IReadOnlySet<string>? Answered = null, DateTimeOffset? AnsweredBy = null) : CallAction;

    public sealed record Expire(DateTimeOffset Now) : CallAction;

    /// <summary>The connection to FreeSWITCH was lost while the call was followed.</summary>
    public sealed record Gap : CallAction;

    /// <summary>Starts the call from a state built by the service instead of from its first leg's creation.</summary>
    public sealed record Adopt(FsBitrix.Core.Calls.CallState State) : CallAction;

    /// <summary>A click-to-call whose originate failed before any channel existed: only the finish is left to send.</summary>
    public sealed record FinishUnseen(FsBitrix.Core.Calls.FinishCall Finish, string? Domain = null) : CallAction;
}
