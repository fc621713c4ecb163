using FsBitrix.Core.Status;
using FsBitrix.Core.Calls;
using FsBitrix.Core.Events;
using FsBitrix.Core.Tests.Support;
using FsBitrix.Esl.Events;

namespace FsBitrix.Core.Tests;

/// <summary>Reducer rules on small hand-made calls: purity, termination, attended transfer taken back.</summary>
public sealed class CallReducerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 5, 0, 0, TimeSpan.Zero);
    private readonly CallReducer _reducer = new();

    private static ChannelEvent Ev(ChannelEventKind kind, string uuid, int second = 0) => new(kind, uuid, T0.AddSeconds(second));

    private static ChannelEvent CustomerCreate() => Ev(ChannelEventKind.Create, "c") with
    {
        Direction = CallDirection.Inbound,
        CallerIdNumber = "+79161234567",
        DestinationNumber = "74951234567",
    };

    private static ChannelEvent AgentCreate(string uuid, string extension, string originator) => Ev(ChannelEventKind.Create, uuid) with
    {
        Direction = CallDirection.Outbound,
        Originator = originator,
        DestinationNumber = extension,
    };

    private static ChannelEvent HangupComplete(string uuid, int billsec = 0) =>
        Ev(ChannelEventKind.HangupComplete, uuid) with { HangupCause = HangupCause.NORMAL_CLEARING, Billsec = billsec };

    private List<CallCommand> Run(params ChannelEvent[] events) =>
        Switchboard.Run(events).Commands;

    [Test]
    public void Same_state_and_event_give_equal_results_and_the_input_state_is_untouched()
    {
        (CallState started, _) = _reducer.Reduce(CallState.Start("c"), CustomerCreate());
        CallState before = started with { };

        (CallState a, IReadOnlyList<CallCommand> ca) = _reducer.Reduce(started, AgentCreate("b", "1001", "c"));
        (CallState b, IReadOnlyList<CallCommand> cb) = _reducer.Reduce(started, AgentCreate("b", "1001", "c"));

        Assert.Multiple(() =>
        {
            Assert.That(started, Is.EqualTo(before));
            Assert.That(a.Legs, Is.EqualTo(b.Legs));
            Assert.That(ca, Is.EqualTo(cb));
        });
    }

    [Test]
    public void Register_carries_the_customer_number_did_leg_uuid_and_event_time()
    {
        (_, IReadOnlyList<CallCommand> commands) = _reducer.Reduce(CallState.Start("c"), CustomerCreate());

        Assert.That(commands, Is.EqualTo(new[] { new RegisterCall("c", "c", CallType.Inbound, "+79161234567", "74951234567", null, T0) }));
    }

    [Test]
    public void The_call_is_over_only_when_every_leg_has_hung_up_and_finishes_once()
    {
        var reducer = new CallReducer();
        CallState s = CallState.Start("c");
        var finishes = 0;
        var overAfter = new List<bool>();
        foreach (ChannelEvent e in new[]
                 {
                     CustomerCreate(), AgentCreate("b", "1001", "c"), Ev(ChannelEventKind.Answer, "b"),
                     HangupComplete("c", 3), HangupComplete("b", 3), HangupComplete("c", 3),
                 })
        {
            (s, IReadOnlyList<CallCommand> commands) = reducer.Reduce(s, e);
            finishes += commands.OfType<FinishCall>().Count();
            overAfter.Add(s.IsOver);
        }

        Assert.That(overAfter, Is.EqualTo(new[] { false, false, false, false, true, true }));
        Assert.That(finishes, Is.EqualTo(1));
    }

    [Test]
    public void Attended_transfer_taken_back_finishes_with_the_first_agent()
    {
        // 1001 answers, consults 1002 (dialled from 1001's leg), 1002 answers then hangs up: the client stays with 1001.
        List<CallCommand> commands = Run(
            CustomerCreate(),
            AgentCreate("a1", "1001", "c"), Ev(ChannelEventKind.Progress, "a1"), Ev(ChannelEventKind.Answer, "a1"),
            Ev(ChannelEventKind.Answer, "c"),
            AgentCreate("a2", "1002", "a1"), Ev(ChannelEventKind.Progress, "a2"), Ev(ChannelEventKind.Answer, "a2"),
            HangupComplete("a2", 2),
            HangupComplete("a1", 9), HangupComplete("c", 10));

        Assert.That(commands.Skip(1), Is.EqualTo(new CallCommand[]
        {
            new ShowCard("c", null, "1001"),
            new ShowCard("c", null, "1002"),
            new HideCard("c", null, "1002"),
            new FinishCall("c", null, "1001", 10, CallStatus.Answered, ""),
        }));
    }

    [Test]
    public void An_agent_who_talked_keeps_the_call_when_the_transfer_to_a_colleague_is_never_answered()
    {
        // 1001 talked and left (a blind transfer); 1002's phone failed at once; the client then hung up.
        List<CallCommand> commands = Run(
            CustomerCreate(),
            AgentCreate("a1", "1001", "c"), Ev(ChannelEventKind.Answer, "a1"), Ev(ChannelEventKind.Answer, "c"),
            HangupComplete("a1", 2),
            AgentCreate("a2", "1002", "c"), HangupComplete("a2"),
            HangupComplete("c", 4));

        Assert.That(commands.Skip(1), Is.EqualTo(new CallCommand[]
        {
            new ShowCard("c", null, "1001"),
            new FinishCall("c", null, "1001", 4, CallStatus.Answered, ""),
        }));
    }

    [Test]
    public void A_leg_whose_call_start_was_never_seen_makes_an_untracked_silent_call()
    {
        Switchboard board = Switchboard.Run([AgentCreate("b", "1001", "gone"), HangupComplete("b")]);

        Assert.That(board.Commands, Is.Empty);
        Assert.That(board.Calls.Single().Kind, Is.EqualTo(CallKind.Untracked));
        Assert.That(board.Calls.Single().IsOver, Is.True);
    }

    [Test]
    public void Events_after_the_call_is_over_change_nothing()
    {
        (CallState s, _) = _reducer.Reduce(CallState.Start("c"), CustomerCreate());
        (s, _) = _reducer.Reduce(s, HangupComplete("c"));

        (CallState after, IReadOnlyList<CallCommand> commands) = _reducer.Reduce(s, AgentCreate("late", "1001", "c"));

        Assert.That(commands, Is.Empty);
        Assert.That(after, Is.SameAs(s));
    }
}
