using FsBitrix.Core.Queues;
using static FsBitrix.Core.Tests.Queues.QueueKit;

namespace FsBitrix.Core.Tests.Queues;

/// <summary>How a queue call ends: someone answers, or the caller gives up.</summary>
public sealed class AnswerAndAbandonTests
{
    private static readonly QueueDefinition RingAll = Sales(QueueStrategy.RingAll, "1001", "1002", "1003");

    private static QueueStep Ringing() =>
        QueuePlanner.Next(QueueCallState.Enter("c1", RingAll, T0), RingAll, AgentPresence.Empty, null, null, T0);

    [Test]
    public void When_one_agent_answers_the_others_stop_ringing_and_the_caller_is_bridged_to_them()
    {
        QueueStep step = QueuePlanner.OnAgentAnswered(Ringing().Call, "1002", Ringing().Presence);

        Assert.That(step.Actions, Is.EqualTo(new QueueAction[] { new StopRinging(["1001", "1003"]), new BridgeTo("1002") }));
        Assert.That(step.Call.Phase, Is.EqualTo(QueueCallPhase.Bridged));
        Assert.That(step.Presence.Offers, Is.Empty, "the answered leg keeps its phone busy from here");
    }

    [Test]
    public void A_caller_who_hangs_up_in_the_queue_is_a_missed_call_and_every_ringing_phone_stops()
    {
        QueueStep ringing = Ringing();

        QueueStep step = QueuePlanner.OnCallerHungUp(ringing.Call, ringing.Presence);

        Assert.That(step.Actions, Is.EqualTo(new QueueAction[]
        {
            new StopRinging(["1001", "1002", "1003"]),
            new FinishMissed(["1001", "1002", "1003"]),
        }));
        Assert.That(step.Call.Phase, Is.EqualTo(QueueCallPhase.Abandoned));
        Assert.That(step.Presence.Offers, Is.Empty);
    }

    [Test]
    public void A_caller_who_hangs_up_between_rings_is_missed_with_everyone_offered_so_far()
    {
        QueueDefinition queue = Sales(QueueStrategy.Sequential, "1001", "1002");
        QueueStep first = QueuePlanner.Next(QueueCallState.Enter("c1", queue, T0), queue, AgentPresence.Empty, null, null, T0);
        QueueCallState waiting = first.Call with { Phase = QueueCallPhase.Waiting, Ringing = [] };

        QueueStep step = QueuePlanner.OnCallerHungUp(waiting, first.Presence);

        Assert.That(step.Actions, Is.EqualTo(new QueueAction[] { new FinishMissed(["1001"]) }));
    }

    [Test]
    public void A_hangup_after_the_bridge_is_an_ordinary_end_not_a_missed_call()
    {
        QueueStep bridged = QueuePlanner.OnAgentAnswered(Ringing().Call, "1001", Ringing().Presence);

        Assert.That(QueuePlanner.OnCallerHungUp(bridged.Call, bridged.Presence).Actions, Is.Empty);
    }

    [Test]
    public void A_timer_after_the_answer_rings_nobody()
    {
        QueueStep ringing = Ringing();
        QueueStep bridged = QueuePlanner.OnAgentAnswered(ringing.Call, "1001", ringing.Presence);

        QueueStep late = QueuePlanner.OnAgentTimeout(bridged.Call, ringing.Ring().Attempt, RingAll, bridged.Presence, null, At(20));

        Assert.That(late.Actions, Is.Empty);
    }
}
