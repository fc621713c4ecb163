using FsBitrix.Core.Calls;
using FsBitrix.Core.Events;
using FsBitrix.Core.Queues;
using static FsBitrix.Core.Tests.Queues.QueueKit;

namespace FsBitrix.Core.Tests.Queues;

/// <summary>Two callers in one queue: the second never rings a phone that rings or talks for the first.</summary>
public sealed class SecondCallTests
{
    private static readonly QueueDefinition Queue = Sales(QueueStrategy.RingAll, "1001", "1002", "1003");

    [Test]
    public void While_the_first_call_rings_two_agents_the_second_rings_only_the_third()
    {
        AgentPresence presence = AgentPresence.Empty.OnCall("1003", "busy-leg");
        QueueStep first = QueuePlanner.Next(QueueCallState.Enter("c1", Queue, T0), Queue, presence, null, null, T0);
        presence = first.Presence.Apply(AgentLegEvent(ChannelEventKind.HangupComplete, "busy-leg", "1003", "other-call", At(1)),
            CallSettings.Default);

        QueueStep second = QueuePlanner.Next(QueueCallState.Enter("c2", Queue, At(1)), Queue, presence, null, null, At(1));

        Assert.That(first.Rings(), Is.EqualTo(new[] { "1001", "1002" }));
        Assert.That(second.Rings(), Is.EqualTo(new[] { "1003" }));
    }

    [Test]
    public void An_agent_talking_to_the_first_caller_is_not_rung_for_the_second()
    {
        QueueStep first = QueuePlanner.Next(QueueCallState.Enter("c1", Queue, T0), Queue, AgentPresence.Empty, null, null, T0);

        // FreeSWITCH's events of the first call: 1001's leg rings and answers; the planner hears of the answer.
        AgentPresence presence = first.Presence
            .Apply(AgentLegEvent(ChannelEventKind.Create, "leg-1001", "1001", "c1", T0), CallSettings.Default)
            .Apply(AgentLegEvent(ChannelEventKind.Answer, "leg-1001", "1001", "c1", At(2)), CallSettings.Default);
        QueueStep answered = QueuePlanner.OnAgentAnswered(first.Call, "1001", presence);
        presence = answered.Presence
            .Apply(AgentLegEvent(ChannelEventKind.Create, "leg-1002", "1002", "c1", T0), CallSettings.Default)
            .Apply(AgentLegEvent(ChannelEventKind.HangupComplete, "leg-1002", "1002", "c1", At(2)), CallSettings.Default);

        QueueStep second = QueuePlanner.Next(QueueCallState.Enter("c2", Queue, At(3)), Queue, presence, null, null, At(3));

        Assert.That(second.Rings(), Is.EqualTo(new[] { "1002", "1003" }));
    }

    [Test]
    public void An_offer_covers_the_phone_before_its_leg_is_created()
    {
        QueueDefinition sequential = Queue with { Strategy = QueueStrategy.Sequential };
        QueueStep first = QueuePlanner.Next(QueueCallState.Enter("c1", sequential, T0), sequential, AgentPresence.Empty, null, null, T0);

        QueueStep second = QueuePlanner.Next(QueueCallState.Enter("c2", sequential, T0), sequential, first.Presence, null, null, T0);

        Assert.That(first.Rings(), Is.EqualTo(new[] { "1001" }));
        Assert.That(second.Rings(), Is.EqualTo(new[] { "1002" }));
    }
}
