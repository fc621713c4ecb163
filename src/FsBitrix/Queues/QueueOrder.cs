using System.Collections.Immutable;
using FsBitrix.Esl.Events;

namespace FsBitrix.Queues;

/// <summary>
/// What the board asks one call's driver to do on FreeSWITCH: the planner's actions with the leg UUIDs the board
/// chose, so answers and kills name legs, not extensions.
/// </summary>
internal abstract record QueueOrder
{
    /// <summary>Bridge the caller to these legs at once; <see cref="Attempt"/> goes back with the end of the ring.</summary>
    public sealed record Ring(int Attempt, TimeSpan Timeout, ImmutableArray<(string Extension, string LegUuid)> Legs) : QueueOrder;

    /// <summary>Hang up these ringing legs (FreeSWITCH has often done it already).</summary>
    public sealed record Kill(ImmutableArray<string> LegUuids) : QueueOrder;

    /// <summary>An agent answered; FreeSWITCH's bridge already joined them.</summary>
    public sealed record Answered(string Extension) : QueueOrder;

    /// <summary>The queue gave up: the caller goes to this dialplan extension.</summary>
    public sealed record Transfer(string Extension) : QueueOrder;

    /// <summary>The queue gave up: the caller is hung up with this cause.</summary>
    public sealed record Hangup(HangupCause Cause) : QueueOrder;

    /// <summary>The caller hung up in the queue (the call reducer sends the missed-call finish).</summary>
    public sealed record Abandoned : QueueOrder;
}
