using FsBitrix.Core.Status;
using FsBitrix.Core.Calls;
using FsBitrix.Core.Events;
using FsBitrix.Core.Routing;
using FsBitrix.Core.Tests.Support;
using FsBitrix.Esl.Events;

namespace FsBitrix.Core.Tests;

/// <summary>
/// The rules of real deployments on flows nobody captured, built from the captures of s18–s24: a caller who gives
/// up in a queue, a queue agent who transfers the caller on, a pickup from a ring group, a follow-me on a queue
/// agent, an intercept, and legs that name calls we never saw.
/// </summary>
public sealed class RealDeploymentSequenceTests
{
    private const string S18 = "s18_callcenter_ring_all.raw";
    private const string S18Customer = "b7927199-0436-4d78-8c78-e5b1d559d9a6";
    private const string S18Agent1001 = "3fa2a65f-ab3a-4270-8c74-9ff19924f323";
    private const string S18Agent1002 = "9c0c00cd-6cbf-44a1-8fa6-4a941ce70cbe";
    private const string S21 = "s21_ivr_then_agent.raw";
    private const string S21Customer = "63dc1157-1491-4cb5-8da4-df7d53483849";
    private const string S23 = "s23_pickup.raw";
    private const string S23Customer = "21ed1058-e7ea-437c-be04-111eeed3b21a";
    private const string S23Agent1001 = "01fb600b-0dcc-4cf2-bc08-145724fdf3f7";
    private const string S23Phone1002 = "1bb984fb-8e9c-4152-8939-77ca6c23fa4e";
    private const string S24 = "s24_followme_mobile.raw";
    private const string S24Customer = "a4874ae9-b5ad-416f-8c0d-99b06f4dd57e";
    private const string S24Desk1001 = "8cd69c53-b860-4858-b075-67459b45b416";
    private const string S24LoopbackA = "170137c6-a029-4a5b-a982-ede03cab30c2";
    private const string Agent1003 = "00000000-0000-0000-0000-000000001003";

    private static IReadOnlyList<ChannelEvent> Events(string file) => Captures.Events(file);

    private static DateTimeOffset At(string file, double seconds) => Events(file)[0].Timestamp!.Value.AddSeconds(seconds);

    private static IEnumerable<ChannelEvent> Until(string file, string uuid, ChannelEventKind kind) =>
        Events(file).TakeWhile(e => !(e.UniqueId == uuid && e.Kind == kind));

    private static ChannelEvent Ended(string uuid, DateTimeOffset at, HangupCause cause, int billsec = 0) =>
        new(ChannelEventKind.HangupComplete, uuid, at) { HangupCause = cause, Billsec = billsec };

    [Test]
    public void A_caller_who_gives_up_while_queue_agents_ring_is_missed_and_every_card_hidden()
    {
        // s18 until 1002 would answer; then the customer hangs up and mod_callcenter cancels both agent legs.
        IEnumerable<ChannelEvent> events = Until(S18, S18Agent1002, ChannelEventKind.Answer).Concat(
        [
            new ChannelEvent(ChannelEventKind.Hangup, S18Customer, At(S18, 1.5)) { HangupCause = HangupCause.NORMAL_CLEARING },
            Ended(S18Agent1001, At(S18, 1.52), HangupCause.ORIGINATOR_CANCEL),
            Ended(S18Agent1002, At(S18, 1.52), HangupCause.ORIGINATOR_CANCEL),
            Ended(S18Customer, At(S18, 1.54), HangupCause.NORMAL_CLEARING, billsec: 1) with { SipTermStatus = "200" },
        ]);

        List<CallCommand> commands = Switchboard.Run(events).Commands;

        Assert.That(commands.Skip(1), Is.EqualTo(new CallCommand[]
        {
            new ShowCard(S18Customer, null, "1001"),
            new ShowCard(S18Customer, null, "1002"),
            new HideCard(S18Customer, null, "1001"),
            new HideCard(S18Customer, null, "1002"),
            new FinishCall(S18Customer, null, "1002", 0, CallStatus.Missed, "No employee answered (NORMAL_CLEARING, SIP 200)"),
        }), "the queue's music on hold is no recording of a talk");
    }

    [Test]
    public void A_queue_agent_who_transfers_the_caller_on_hands_the_card_over()
    {
        // s18 until the customer hangs up; instead 1002 blind-transfers the customer to 1003, who talks 2.5 s more.
        IEnumerable<ChannelEvent> events = Until(S18, S18Customer, ChannelEventKind.Hangup).Concat(
        [
            Ended(S18Agent1002, At(S18, 5.4), HangupCause.NORMAL_CLEARING, billsec: 3),
            new ChannelEvent(ChannelEventKind.Create, Agent1003, At(S18, 5.5))
            {
                Originator = S18Customer, Direction = CallDirection.Outbound, DestinationNumber = "1003", DialedUser = "1003",
            },
            new ChannelEvent(ChannelEventKind.Progress, Agent1003, At(S18, 5.5)),
            new ChannelEvent(ChannelEventKind.Answer, Agent1003, At(S18, 7.5)),
            Ended(Agent1003, At(S18, 10.0), HangupCause.NORMAL_CLEARING, billsec: 2),
            Ended(S18Customer, At(S18, 10.02), HangupCause.NORMAL_CLEARING, billsec: 10),
        ]);

        List<CallCommand> commands = Switchboard.Run(events).Commands;

        // Talk time runs from 1002's answer (2.06 s) to the end (10.02 s): the queue wait before it is not talk.
        Assert.That(commands.Skip(1), Is.EqualTo(new CallCommand[]
        {
            new ShowCard(S18Customer, null, "1001"),
            new ShowCard(S18Customer, null, "1002"),
            new HideCard(S18Customer, null, "1001"),
            new HideCard(S18Customer, null, "1002"),
            new ShowCard(S18Customer, null, "1003"),
            new FinishCall(S18Customer, null, "1003", 8, CallStatus.Answered, ""),
            new AttachRecording(S18Customer, null, $"/usr/local/fs/rec/{S18Customer}.wav"),
        }));
    }

    [Test]
    public void A_caller_who_leaves_the_ivr_while_the_agent_rings_is_missed()
    {
        // s21 until just before 1001 answers (5.0 s): the customer, answered by the IVR at once, hangs up at 4.5 s.
        List<ChannelEvent> events = Events(S21).Where(e => e.Timestamp < At(S21, 4.0)).ToList();
        string agent = events.Last(e => e.Kind == ChannelEventKind.Create).UniqueId!;
        events.AddRange(
        [
            Ended(agent, At(S21, 4.5), HangupCause.ORIGINATOR_CANCEL),
            Ended(S21Customer, At(S21, 4.5), HangupCause.NORMAL_CLEARING, billsec: 4),
        ]);

        FinishCall finish = Switchboard.Run(events).Commands.OfType<FinishCall>().Single();

        Assert.That(finish, Is.EqualTo(new FinishCall(S21Customer, null, "1001", 0, CallStatus.Missed, "No employee answered (NORMAL_CLEARING)")));
    }

    [Test]
    public void A_pickup_from_a_ring_group_hides_every_ringing_phone_and_shows_the_one_that_took_it()
    {
        IEnumerable<ChannelEvent> events = Sequences.DuplicateLeg(Events(S23), S23Agent1001, Agent1003, "1003");

        List<CallCommand> commands = Switchboard.Run(events).Commands;

        Assert.That(commands.Where(c => c is ShowCard or HideCard or FinishCall), Is.EqualTo(new CallCommand[]
        {
            new ShowCard(S23Customer, null, "1001"),
            new ShowCard(S23Customer, null, "1003"),
            new HideCard(S23Customer, null, "1001"),
            new HideCard(S23Customer, null, "1003"),
            new ShowCard(S23Customer, null, "1002"),
            new FinishCall(S23Customer, null, "1002", 3, CallStatus.Answered, ""),
        }));
    }

    [Test]
    public void An_intercept_bridged_from_the_interceptors_side_is_the_same_takeover()
    {
        // intercept fires the bridge on the phone that intercepts, naming the ringing call's leg as the other leg.
        IEnumerable<ChannelEvent> events = Sequences.Replace(Events(S23),
            e => e.Kind == ChannelEventKind.Bridge && e.UniqueId == S23Customer,
            e => e with
            {
                UniqueId = S23Phone1002,
                OtherLegUniqueId = S23Customer,
                CreatedAt = e.OtherLegCreatedAt,
                OtherLegCreatedAt = e.CreatedAt,
                OrigCallerIdNumber = e.OtherLegOrigCallerIdNumber,
                OtherLegOrigCallerIdNumber = e.OrigCallerIdNumber,
            });

        Assert.That(Switchboard.Run(events).Commands, Is.EqualTo(Switchboard.Run(Events(S23)).Commands));
    }

    [Test]
    public void A_pickup_code_is_never_reported_as_a_call_of_its_own_even_with_internal_calls_on()
    {
        var settings = CallSettings.Default with { SkipInternalCalls = false };

        Switchboard board = Switchboard.Run(Events(S23), settings);

        Assert.Multiple(() =>
        {
            Assert.That(board.Commands, Is.EqualTo(Switchboard.Run(Events(S23)).Commands));
            Assert.That(board.Calls.Single(c => c.CallKey == S23Phone1002).Kind, Is.EqualTo(CallKind.Untracked));
        });
    }

    [Test]
    public void A_bridge_between_two_calls_that_each_hold_more_than_the_phone_moves_nothing()
    {
        var router = CallRouter.Empty;
        router = router.Route(new ChannelEvent(ChannelEventKind.Create, "a", At(S23, 0))).Router;
        router = router.Route(new ChannelEvent(ChannelEventKind.Create, "b", At(S23, 0)) { Originator = "a" }).Router;
        router = router.Route(new ChannelEvent(ChannelEventKind.Create, "x", At(S23, 1))).Router;
        router = router.Route(new ChannelEvent(ChannelEventKind.Create, "y", At(S23, 1)) { Originator = "x" }).Router;

        // "b" is not the first leg of its call; "x" is, but its call has another live leg.
        (CallRouter after, IReadOnlyList<RoutedEvent> routed) = router.RouteAll(
            new ChannelEvent(ChannelEventKind.Bridge, "b", At(S23, 2)) { OtherLegUniqueId = "x" });

        Assert.That(routed, Is.EqualTo(new[] { new RoutedEvent("a", routed[0].Event) }));
        Assert.That(after.CallOfLeg, Is.EquivalentTo(router.CallOfLeg));
    }

    [Test]
    public void A_follow_me_on_a_queue_agent_shows_the_card_when_the_mobile_rings()
    {
        // s24 without the desk phone, its loopback offered by mod_callcenter instead of dialled by the bridge.
        IEnumerable<ChannelEvent> events = Sequences.Replace(
            Events(S24).Where(e => e.UniqueId != S24Desk1001),
            e => e.Kind == ChannelEventKind.Create && e.UniqueId == S24LoopbackA,
            e => e with { Originator = null, OtherLegUniqueId = null, CcMemberSessionUuid = S24Customer });

        List<CallCommand> commands = Switchboard.Run(events).Commands;

        Assert.That(commands.Where(c => c is ShowCard or HideCard or FinishCall), Is.EqualTo(new CallCommand[]
        {
            new ShowCard(S24Customer, null, "1001"),
            new FinishCall(S24Customer, null, "1001", 3, CallStatus.Answered, ""),
        }));
    }

    [Test]
    public void A_follow_me_nobody_answers_is_missed_by_its_owner_and_the_loopback_is_never_a_call()
    {
        // s24 until the mobile would answer; then the customer hangs up.
        DateTimeOffset end = At(S24, 1.0);
        IEnumerable<ChannelEvent> events = Events(S24).Where(e => e.Timestamp < end && e.Kind != ChannelEventKind.Answer)
            .Concat(Events(S24).Where(e => e.Kind == ChannelEventKind.Create).Select(e => Ended(e.UniqueId!, end, HangupCause.ORIGINATOR_CANCEL)));

        Switchboard board = Switchboard.Run(events);

        Assert.Multiple(() =>
        {
            Assert.That(board.Commands.OfType<RegisterCall>().Count(), Is.EqualTo(1));
            Assert.That(board.Commands.OfType<FinishCall>().Single(), Is.EqualTo(new FinishCall(S24Customer, null, "1001", 0, CallStatus.Missed,
                "Caller hung up before an answer (ORIGINATOR_CANCEL)")));
            Assert.That(board.Commands.OfType<HideCard>().Select(h => h.UserPhoneInner), Is.EqualTo(new[] { "1001" }));
        });
    }

    [TestCase(S18, S18Customer)]
    [TestCase(S24, S24Customer)]
    public void Queue_agent_legs_and_loopback_halves_of_a_call_never_seen_are_ignored(string file, string customer)
    {
        // The client's leg began before we connected: its creation was never seen.
        Switchboard board = Switchboard.Run(Events(file).Where(e => !(e.UniqueId == customer && e.Kind == ChannelEventKind.Create)));

        Assert.Multiple(() =>
        {
            Assert.That(board.Commands, Is.Empty, "nothing registered, no card, no finish");
            Assert.That(board.Calls, Has.None.Matches<CallState>(c => c.Kind == CallKind.Inbound));
            Assert.That(board.Router.LiveLegs, Is.Zero);
        });
    }
}
