using FsBitrix.Core.Queues;
using static FsBitrix.Core.Tests.Queues.QueueKit;

namespace FsBitrix.Core.Tests.Queues;

/// <summary>Which phones ring first, per strategy, and who is skipped.</summary>
public sealed class QueueStrategyTests
{
    private static QueueStep First(QueueDefinition queue, AgentPresence presence, string? cursor = null,
        string call = "c1", double at = 0) =>
        QueuePlanner.Next(QueueCallState.Enter(call, queue, At(at)), queue, presence, null, cursor, At(at));

    [Test]
    public void Ring_all_rings_every_agent_at_once_for_the_ring_timeout()
    {
        QueueDefinition queue = Sales(QueueStrategy.RingAll, "1001", "1002", "1003") with { RingTimeout = TimeSpan.FromSeconds(25) };

        RingAgents ring = First(queue, AgentPresence.Empty).Ring();

        Assert.That(ring.Extensions, Is.EqualTo(new[] { "1001", "1002", "1003" }));
        Assert.That(ring.Timeout, Is.EqualTo(TimeSpan.FromSeconds(25)));
    }

    [Test]
    public void Sequential_rings_the_top_of_the_list_alone()
    {
        Assert.That(First(Sales(QueueStrategy.Sequential, "1003", "1001", "1002"), AgentPresence.Empty).Rings(),
            Is.EqualTo(new[] { "1003" }));
    }

    [Test]
    public void Ring_all_skips_an_agent_busy_on_another_call()
    {
        AgentPresence presence = AgentPresence.Empty.OnCall("1002", "leg-1002");

        Assert.That(First(Sales(QueueStrategy.RingAll, "1001", "1002", "1003"), presence).Rings(),
            Is.EqualTo(new[] { "1001", "1003" }));
    }

    [Test]
    public void Sequential_skips_an_agent_whose_phone_rings_for_another_call()
    {
        AgentPresence presence = AgentPresence.Empty.OnCall("1001", "leg-1001", answered: false);

        Assert.That(First(Sales(QueueStrategy.Sequential, "1001", "1002"), presence).Rings(), Is.EqualTo(new[] { "1002" }));
    }

    [Test]
    public void Round_robin_starts_after_the_agent_the_queue_offered_its_previous_call_to()
    {
        QueueDefinition queue = Sales(QueueStrategy.RoundRobin, "1001", "1002", "1003");

        Assert.That(First(queue, AgentPresence.Empty, cursor: "1002").Rings(), Is.EqualTo(new[] { "1003" }));
        Assert.That(First(queue, AgentPresence.Empty, cursor: "1003").Rings(), Is.EqualTo(new[] { "1001" }));
    }

    [Test]
    public void Round_robin_rotates_across_calls_through_the_cursor_it_returns()
    {
        QueueDefinition queue = Sales(QueueStrategy.RoundRobin, "1001", "1002", "1003");
        string? cursor = null;
        var rung = new List<string>();
        for (int call = 0; call < 4; call++)
        {
            // Each call is answered and over before the next: the phones are all free again.
            QueueStep step = First(queue, AgentPresence.Empty, cursor, $"c{call}");
            rung.AddRange(step.Rings());
            cursor = step.Cursor ?? cursor;
        }

        Assert.That(rung, Is.EqualTo(new[] { "1001", "1002", "1003", "1001" }));
    }

    [Test]
    public void Longest_idle_rings_the_agent_whose_last_call_ended_longest_ago()
    {
        AgentPresence presence = AgentPresence.Empty
            .Talked("1001", "a", At(-60))
            .Talked("1002", "b", At(-300))
            .Talked("1003", "c", At(-120));

        Assert.That(First(Sales(QueueStrategy.LongestIdle, "1001", "1002", "1003"), presence).Rings(),
            Is.EqualTo(new[] { "1002" }));
    }

    [Test]
    public void Longest_idle_prefers_an_agent_who_has_not_had_a_call_yet()
    {
        AgentPresence presence = AgentPresence.Empty.Talked("1001", "a", At(-3600));

        Assert.That(First(Sales(QueueStrategy.LongestIdle, "1001", "1002"), presence).Rings(), Is.EqualTo(new[] { "1002" }));
    }

    [Test]
    public void An_agent_in_wrap_up_is_skipped_until_it_has_passed()
    {
        QueueDefinition queue = Sales(QueueStrategy.Sequential, "1001", "1002") with { WrapUp = TimeSpan.FromSeconds(30) };
        AgentPresence presence = AgentPresence.Empty.Talked("1001", "a", At(-10));

        Assert.That(First(queue, presence).Rings(), Is.EqualTo(new[] { "1002" }), "1001 hung up 10 s ago");
        Assert.That(First(queue, presence, at: 25).Rings(), Is.EqualTo(new[] { "1001" }), "35 s later wrap-up is over");
    }

    [Test]
    public void A_ring_is_offered_in_the_shared_presence_so_other_calls_see_the_phone_taken()
    {
        QueueStep step = First(Sales(QueueStrategy.RingAll, "1001", "1002"), AgentPresence.Empty);

        Assert.That(step.Presence.IsBusy("1001"), Is.True);
        Assert.That(step.Presence.IsBusy("1001", exceptCall: "c1"), Is.False);
    }
}
