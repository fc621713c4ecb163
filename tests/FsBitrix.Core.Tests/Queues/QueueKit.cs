using System.Collections.Immutable;
using FsBitrix.Core.Calls;
using FsBitrix.Core.Events;
using FsBitrix.Core.Queues;
using FsBitrix.Esl.Events;

namespace FsBitrix.Core.Tests.Queues;

/// <summary>Queues, phones and clocks for the planner tests: everything by hand, no FreeSWITCH.</summary>
internal static class QueueKit
{
    public static readonly DateTimeOffset T0 = new(2026, 11, 24, 5, 0, 0, TimeSpan.Zero);

    public static QueueDefinition Sales(QueueStrategy strategy, params string[] agents) =>
        new("sales", [.. agents], strategy);

    public static DateTimeOffset At(double seconds) => T0.AddSeconds(seconds);

    /// <summary>The extension's phone has a live leg in another call (ringing, or talking when answered).</summary>
    public static AgentPresence OnCall(this AgentPresence presence, string extension, string leg, bool answered = true)
    {
        presence = presence.Apply(AgentLegEvent(ChannelEventKind.Create, leg, extension, "other-call", T0), CallSettings.Default);
        return answered
            ? presence.Apply(AgentLegEvent(ChannelEventKind.Answer, leg, extension, "other-call", T0), CallSettings.Default)
            : presence;
    }

    /// <summary>The extension answered a call on <paramref name="leg"/> and hung it up at <paramref name="endedAt"/>.</summary>
    public static AgentPresence Talked(this AgentPresence presence, string extension, string leg, DateTimeOffset endedAt)
    {
        presence = presence.OnCall(extension, leg);
        return presence.Apply(AgentLegEvent(ChannelEventKind.HangupComplete, leg, extension, "other-call", endedAt),
            CallSettings.Default);
    }

    /// <summary>An event of a leg FreeSWITCH placed to an extension's phone (as the bridge app does for agents).</summary>
    public static ChannelEvent AgentLegEvent(ChannelEventKind kind, string leg, string extension, string originator,
        DateTimeOffset at) =>
        new(kind, leg, at)
        {
            Direction = CallDirection.Outbound,
            DestinationNumber = extension,
            CallerIdNumber = "+79161234567",
            Originator = originator,
        };

    public static RingAgents Ring(this QueueStep step) => step.Actions.OfType<RingAgents>().Single();

    public static ImmutableArray<string> Rings(this QueueStep step) => step.Ring().Extensions;
}
