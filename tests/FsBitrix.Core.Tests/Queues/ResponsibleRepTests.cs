using FsBitrix.Core.Queues;
using static FsBitrix.Core.Tests.Queues.QueueKit;

namespace FsBitrix.Core.Tests.Queues;

/// <summary>The client's responsible rep rings alone first, then the queue.</summary>
public sealed class ResponsibleRepTests
{
    private static readonly QueueDefinition Queue = Sales(QueueStrategy.RingAll, "1001", "1002") with
    {
        ResponsibleFirst = TimeSpan.FromSeconds(12),
    };

    [Test]
    public void A_free_rep_rings_alone_for_the_responsible_first_time_then_the_queue_rings()
    {
        QueueStep rep = QueuePlanner.Next(QueueCallState.Enter("c1", Queue, T0), Queue, AgentPresence.Empty, "1007", null, T0);
        QueueStep queue = QueuePlanner.OnAgentTimeout(rep.Call, rep.Ring().Attempt, Queue, rep.Presence, rep.Cursor, At(12));

        Assert.That(rep.Ring(), Is.EqualTo(new RingAgents(["1007"], TimeSpan.FromSeconds(12), 1)));
        Assert.That(rep.Call.RingingResponsible, Is.True);
        Assert.That(queue.Actions, Is.EqualTo(new QueueAction[]
        {
            new StopRinging(["1007"]),
            new RingAgents(["1001", "1002"], TimeSpan.FromSeconds(20), 2),
        }));
    }

    [Test]
    public void A_busy_rep_is_passed_over_and_the_queue_rings_at_once()
    {
        AgentPresence presence = AgentPresence.Empty.OnCall("1007", "rep-leg");

        QueueStep step = QueuePlanner.Next(QueueCallState.Enter("c1", Queue, T0), Queue, presence, "1007", null, T0);

        Assert.That(step.Rings(), Is.EqualTo(new[] { "1001", "1002" }));
        Assert.That(step.Call.ResponsibleOffered, Is.True);
    }

    [Test]
    public void A_caller_moved_to_a_fallback_queue_does_not_ring_the_rep_again()
    {
        QueueDefinition support = new("support", ["1003"], QueueStrategy.RingAll);
        QueueCallState moved = QueueCallState.Enter("c1", Queue, T0).FallBackInto(support, At(60));

        QueueStep step = QueuePlanner.Next(moved, support, AgentPresence.Empty, "1007", null, At(60));

        Assert.That(step.Rings(), Is.EqualTo(new[] { "1003" }));
    }

    [Test]
    public void The_rep_answering_is_the_end_of_the_queue_for_this_call()
    {
        QueueStep rep = QueuePlanner.Next(QueueCallState.Enter("c1", Queue, T0), Queue, AgentPresence.Empty, "1007", null, T0);

        QueueStep answered = QueuePlanner.OnAgentAnswered(rep.Call, "1007", rep.Presence);

        Assert.That(answered.Actions, Is.EqualTo(new QueueAction[] { new BridgeTo("1007") }));
        Assert.That(answered.Call.AnsweredBy, Is.EqualTo("1007"));
    }
}
