using FsBitrix.Core.Queues;
using FsBitrix.Esl.Events;
using static FsBitrix.Core.Tests.Queues.QueueKit;

namespace FsBitrix.Core.Tests.Queues;

/// <summary>What follows a ring nobody answered: the next agent, the next round, the fallback.</summary>
public sealed class QueueTurnsTests
{
    private static QueueStep Enter(QueueDefinition queue, AgentPresence presence, string? rep = null) =>
        QueuePlanner.Next(QueueCallState.Enter("c1", queue, T0), queue, presence, rep, null, T0);

    private static QueueStep Timeout(QueueStep step, QueueDefinition queue, double at) =>
        QueuePlanner.OnAgentTimeout(step.Call, step.Ring().Attempt, queue, step.Presence, step.Cursor, At(at));

    [Test]
    public void Sequential_moves_down_the_list_on_each_timeout_stopping_the_phone_that_rang()
    {
        QueueDefinition queue = Sales(QueueStrategy.Sequential, "1001", "1002", "1003");

        QueueStep first = Enter(queue, AgentPresence.Empty);
        QueueStep second = Timeout(first, queue, 20);
        QueueStep third = Timeout(second, queue, 40);

        Assert.That(first.Rings(), Is.EqualTo(new[] { "1001" }));
        Assert.That(second.Actions.OfType<StopRinging>().Single().Extensions, Is.EqualTo(new[] { "1001" }));
        Assert.That(second.Rings(), Is.EqualTo(new[] { "1002" }));
        Assert.That(third.Actions.OfType<StopRinging>().Single().Extensions, Is.EqualTo(new[] { "1002" }));
        Assert.That(third.Rings(), Is.EqualTo(new[] { "1003" }));
        Assert.That(third.Call.OfferedTo, Is.EqualTo(new[] { "1001", "1002", "1003" }));
    }

    [Test]
    public void After_the_last_agent_a_new_round_starts_from_the_top()
    {
        QueueDefinition queue = Sales(QueueStrategy.Sequential, "1001", "1002");

        QueueStep step = Timeout(Timeout(Enter(queue, AgentPresence.Empty), queue, 20), queue, 40);

        Assert.That(step.Rings(), Is.EqualTo(new[] { "1001" }));
    }

    [Test]
    public void A_late_timer_of_an_earlier_ring_changes_nothing()
    {
        QueueDefinition queue = Sales(QueueStrategy.Sequential, "1001", "1002");
        QueueStep first = Enter(queue, AgentPresence.Empty);
        QueueStep second = Timeout(first, queue, 20);

        QueueStep late = QueuePlanner.OnAgentTimeout(second.Call, first.Ring().Attempt, queue, second.Presence, null, At(21));

        Assert.That(late.Actions, Is.Empty);
        Assert.That(late.Call, Is.SameAs(second.Call));
    }

    [Test]
    public void When_every_agent_is_busy_the_caller_goes_to_the_fallback_at_once()
    {
        QueueDefinition queue = Sales(QueueStrategy.RingAll, "1001", "1002") with { Fallback = new QueueFallback.Extension("1099") };
        AgentPresence presence = AgentPresence.Empty.OnCall("1001", "a").OnCall("1002", "b", answered: false);

        QueueStep step = Enter(queue, presence);

        Assert.That(step.Actions, Is.EqualTo(new QueueAction[] { new Fallback(new QueueFallback.Extension("1099")) }));
        Assert.That(step.Call.Phase, Is.EqualTo(QueueCallPhase.FellBack));
    }

    [Test]
    public void When_the_maximum_wait_is_reached_the_ringing_phone_stops_and_the_caller_falls_back()
    {
        QueueDefinition queue = Sales(QueueStrategy.Sequential, "1001", "1002") with
        {
            RingTimeout = TimeSpan.FromSeconds(20),
            MaxWait = TimeSpan.FromSeconds(30),
            Fallback = new QueueFallback.Queue("support"),
        };

        QueueStep second = Timeout(Enter(queue, AgentPresence.Empty), queue, 20);
        QueueStep end = Timeout(second, queue, 30);

        Assert.That(second.Ring().Timeout, Is.EqualTo(TimeSpan.FromSeconds(10)), "the ring is cut to the wait left");
        Assert.That(end.Actions, Is.EqualTo(new QueueAction[]
        {
            new StopRinging(["1002"]),
            new Fallback(new QueueFallback.Queue("support")),
        }));
        Assert.That(end.Presence.Offers, Is.Empty);
    }

    [Test]
    public void A_round_where_every_phone_refused_at_once_falls_back_instead_of_spinning()
    {
        QueueDefinition queue = Sales(QueueStrategy.Sequential, "1001") with { RingTimeout = TimeSpan.FromSeconds(20) };

        QueueStep rejected = Timeout(Enter(queue, AgentPresence.Empty), queue, 0.2);

        Assert.That(rejected.Actions.OfType<RingAgents>(), Is.Empty);
        Assert.That(rejected.Actions[^1], Is.EqualTo(new Fallback(QueueFallback.NoAnswer)));
    }

    [Test]
    public void A_fallback_back_into_a_queue_the_caller_already_waited_in_hangs_up_instead()
    {
        QueueDefinition sales = Sales(QueueStrategy.RingAll, "1001") with { Fallback = new QueueFallback.Queue("support") };
        QueueDefinition support = new("support", ["1001"], QueueStrategy.RingAll) { Fallback = new QueueFallback.Queue("sales") };
        AgentPresence busy = AgentPresence.Empty.OnCall("1001", "a");

        QueueStep inSales = Enter(sales, busy);
        QueueCallState moved = inSales.Call.FallBackInto(support, At(1));
        QueueStep inSupport = QueuePlanner.Next(moved, support, busy, null, null, At(1));

        Assert.That(inSales.Actions, Is.EqualTo(new QueueAction[] { new Fallback(new QueueFallback.Queue("support")) }));
        Assert.That(inSupport.Actions, Is.EqualTo(new QueueAction[] { new Fallback(new QueueFallback.Hangup(HangupCause.NO_ANSWER)) }));
    }
}
