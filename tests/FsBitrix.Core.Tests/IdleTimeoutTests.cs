using FsBitrix.Core.Status;
using FsBitrix.Core.Calls;
using FsBitrix.Core.Events;
using FsBitrix.Core.Tests.Support;

namespace FsBitrix.Core.Tests;

/// <summary>A call with no event for <see cref="CallSettings.IdleTimeout"/> is ended, so memory does not grow.</summary>
public sealed class IdleTimeoutTests
{
    private const string S1 = "s1_inbound_answered.raw";
    private const string S1Customer = "86e6b4a4-da8c-496f-8001-d64d3843a17b";

    [Test]
    public void The_default_is_four_hours() =>
        Assert.That(CallSettings.Default.IdleTimeout, Is.EqualTo(TimeSpan.FromHours(4)));

    [Test]
    public void A_call_idle_for_the_timeout_is_finished_from_what_is_known_and_its_legs_forgotten()
    {
        var cut = Cut.After(S1, S1Customer, ChannelEventKind.Bridge);
        Switchboard board = Switchboard.Run(cut.Seen);
        int before = board.Commands.Count;

        board.Expire(cut.LastSeenAt + TimeSpan.FromHours(4) - TimeSpan.FromSeconds(1));
        Assert.That(board.Commands, Has.Count.EqualTo(before), "not idle long enough");
        Assert.That(board.Router.LiveLegs, Is.EqualTo(2));

        board.Expire(cut.LastSeenAt + TimeSpan.FromHours(4));
        Assert.That(board.Commands.Skip(before).OfType<FinishCall>().Single(),
            Is.EqualTo(new FinishCall(S1Customer, null, "1001", 1, CallStatus.Answered, "", Estimated: true)), "answered; the idle hours are not talk time");
        Assert.That(board.Calls.Single().IsOver, Is.True);
        Assert.That(board.Router.LiveLegs, Is.Zero);
    }

    [Test]
    public void The_timeout_is_configurable_and_counts_from_the_last_event_not_the_start()
    {
        var settings = new CallSettings { IdleTimeout = TimeSpan.FromSeconds(3) };
        var cut = Cut.After(S1, S1Customer, ChannelEventKind.Bridge);
        var reducer = new CallReducer(settings);
        CallState call = Switchboard.Run(cut.Seen, settings).Calls.Single();
        Assert.That(cut.LastSeenAt - call.StartedAt!.Value, Is.GreaterThan(TimeSpan.FromSeconds(2)));

        Assert.That(reducer.Expire(call, cut.LastSeenAt.AddSeconds(2)).Commands, Is.Empty);
        Assert.That(reducer.Expire(call, cut.LastSeenAt.AddSeconds(3)).Commands.OfType<FinishCall>().Count(), Is.EqualTo(1));
    }

    [Test]
    public void A_finished_call_never_expires_into_a_second_finish()
    {
        CallState done = Switchboard.Run(Captures.Events(S1)).Calls.Single();

        (CallState after, IReadOnlyList<CallCommand> commands) = new CallReducer().Expire(done, DateTimeOffset.MaxValue);

        Assert.That(commands, Is.Empty);
        Assert.That(after, Is.SameAs(done));
    }
}
