using FsBitrix.Core.Calls;
using FsBitrix.Core.Events;
using FsBitrix.Core.Status;
using FsBitrix.Core.Tests.Support;

namespace FsBitrix.Core.Tests;

/// <summary>
/// The socket drops at a point of a real capture; when it is back, <c>show channels</c> tells which legs are still
/// up, and calls that ended meanwhile are finished from what is known.
/// </summary>
public sealed class ReconcileTests
{
    private const string S1 = "s1_inbound_answered.raw";
    private const string S1Customer = "86e6b4a4-da8c-496f-8001-d64d3843a17b";
    private const string S1Agent = "9f3b587a-8612-4833-af43-6c594165361d";
    private const string S2 = "s2_ring_all.raw";
    private const string S2Customer = "d30b1f3b-745f-4479-86c0-09d9619a4858";
    private const string S2Agent1001 = "d5d45690-0c5c-4a6e-8f98-fdefa9842661";
    private const string S2Agent1002 = "bb03ac7d-e4b6-487b-819e-f1a62a0b95e4";
    private const string S4 = "s4_missed.raw";
    private const string S4Customer = "e4dad966-cf3a-4889-8443-0468cc2a7f19";
    private const string S4Agent = "e90ebf25-4cbe-4223-907e-88e518bd5d74";
    private const string S8 = "s8_outbound_no_answer.raw";
    private const string S8Caller = "198075e1-f916-4bd8-96c4-226b67ef9ba3";
    private const string S8Pstn = "2874b513-8d0c-484f-bc54-3d097c0d819e";

    private static readonly HashSet<string> NothingLive = [];

    private static string Rec(string uuid) => $"/opt/fswitch/rec/{uuid}.wav";

    /// <summary>The commands the reconcile added, after those of the events seen.</summary>
    private static List<CallCommand> ReconcileAt(Cut cut, IReadOnlySet<string> live, out Switchboard board,
        DateTimeOffset? seenUntil = null, IReadOnlySet<string>? answered = null, DateTimeOffset? now = null)
    {
        board = Switchboard.Run(cut.Seen);
        int before = board.Commands.Count;
        board.Reconcile(live, now ?? cut.LastSeenAt.AddMinutes(10), seenUntil, answered);
        return board.Commands.Skip(before).ToList();
    }

    [Test]
    public void S1_ends_while_talking_in_the_gap_is_finished_once_as_answered_with_the_recording()
    {
        var cut = Cut.After(S1, S1Customer, ChannelEventKind.Bridge);

        List<CallCommand> added = ReconcileAt(cut, NothingLive, out Switchboard board);

        // Known: answered at the bridge, and nothing after. The 10 minutes until "now" are not counted; 1 s is
        // the least an answered call is reported with (0 would read as not connected).
        Assert.That(added, Is.EqualTo(new CallCommand[]
        {
            new FinishCall(S1Customer, null, "1001", 1, CallStatus.Answered, "", Estimated: true),
            new AttachRecording(S1Customer, null, Rec(S1Customer)),
        }));
        Assert.Multiple(() =>
        {
            Assert.That(board.Calls.Single().IsOver, Is.True);
            Assert.That(board.Calls.Single().Finished, Is.True);
            Assert.That(board.Router.LiveLegs, Is.Zero, "router forgets the reconciled legs");
        });
    }

    [Test]
    public void S1_talk_time_runs_to_the_last_moment_the_legs_were_known_up()
    {
        var cut = Cut.After(S1, S1Customer, ChannelEventKind.Bridge);

        // The socket delivered other events (a heartbeat) 3 s after the bridge, and no hangup before them.
        List<CallCommand> added = ReconcileAt(cut, NothingLive, out _, seenUntil: cut.LastSeenAt.AddSeconds(3.5));

        Assert.That(added.OfType<FinishCall>().Single().Duration, Is.EqualTo(3));
    }

    [Test]
    public void S1_dropped_between_hangup_and_hangup_complete_gets_the_real_talk_time()
    {
        var cut = Cut.After(S1, S1Customer, ChannelEventKind.Hangup);

        List<CallCommand> added = ReconcileAt(cut, NothingLive, out _);

        Assert.That(added.OfType<FinishCall>().Single(), Is.EqualTo(new FinishCall(S1Customer, null, "1001", 4, CallStatus.Answered, "", Estimated: true)));
    }

    [Test]
    public void S4_missed_call_ended_in_the_gap_is_304_and_the_ringing_card_is_hidden()
    {
        var cut = Cut.After(S4, S4Agent, ChannelEventKind.Progress);

        List<CallCommand> added = ReconcileAt(cut, NothingLive, out Switchboard board);

        Assert.That(added, Is.EqualTo(new CallCommand[]
        {
            new HideCard(S4Customer, null, "1001"),
            new FinishCall(S4Customer, null, "1001", 0, CallStatus.Missed, FailedReasons.EndNotSeen, Estimated: true),
        }));
        Assert.That(board.Calls.Single().IsOver, Is.True);
    }

    [Test]
    public void S1_answered_in_the_gap_as_show_channels_says_is_answered_and_ends_answered_if_its_hangup_is_lost()
    {
        var cut = Cut.After(S1, S1Agent, ChannelEventKind.Progress);
        HashSet<string> live = [S1Customer, S1Agent];
        DateTimeOffset snapshot = cut.LastSeenAt.AddSeconds(20);

        // The socket is back: both legs live, show channels says ACTIVE for both (the rep answered unseen).
        List<CallCommand> atResync = ReconcileAt(cut, live, out Switchboard board, answered: live, now: snapshot);
        Assert.That(atResync, Is.Empty, "nothing ended: no finish yet, and the rep's card stays");
        LegState agent = board.Calls.Single().Legs.Single(l => l.Uuid == S1Agent);
        Assert.That((agent.Answered, agent.AnsweredAt), Is.EqualTo((true, (DateTimeOffset?)snapshot)));

        // Then the socket drops again and the call ends unseen: answered (200), not missed (304).
        int before = board.Commands.Count;
        board.Reconcile(NothingLive, snapshot.AddMinutes(5));
        FinishCall finish = board.Commands.Skip(before).OfType<FinishCall>().Single();
        Assert.That((finish.Status, finish.UserPhoneInner), Is.EqualTo((CallStatus.Answered, "1001")));
    }

    [Test]
    public void A_live_leg_that_show_channels_lists_as_ringing_stays_unanswered()
    {
        var cut = Cut.After(S4, S4Agent, ChannelEventKind.Progress);
        HashSet<string> live = [S4Customer, S4Agent];

        ReconcileAt(cut, live, out Switchboard board, answered: new HashSet<string>());

        Assert.That(board.Calls.Single().Legs.Single(l => l.Uuid == S4Agent).Answered, Is.False);
    }

    [Test]
    public void S8_outbound_ended_unanswered_in_the_gap_is_480_never_304()
    {
        var cut = Cut.After(S8, S8Pstn, ChannelEventKind.Progress);

        List<CallCommand> added = ReconcileAt(cut, NothingLive, out _);

        Assert.That(added, Is.EqualTo(new CallCommand[]
        {
            new FinishCall(S8Caller, null, "1001", 0, CallStatus.TemporarilyUnavailable, FailedReasons.EndNotSeen, Estimated: true),
        }));
    }

    [Test]
    public void S8_a_cause_seen_at_channel_hangup_is_used_when_its_hangup_complete_was_lost()
    {
        var cut = Cut.After(S8, S8Pstn, ChannelEventKind.Hangup);

        List<CallCommand> added = ReconcileAt(cut, NothingLive, out _);

        Assert.That(added, Is.EqualTo(new CallCommand[]
        {
            new FinishCall(S8Caller, null, "1001", 0, CallStatus.TemporarilyUnavailable, "No answer (NO_ANSWER)", Estimated: true),
        }));
    }

    [Test]
    public void A_call_that_finished_before_the_gap_gets_nothing()
    {
        Switchboard board = Switchboard.Run(Captures.Events(S1));
        CallState finished = board.Calls.Single();

        (CallState after, IReadOnlyList<CallCommand> commands) = new CallReducer().Reconcile(finished, NothingLive, DateTimeOffset.UnixEpoch);

        Assert.That(commands, Is.Empty);
        Assert.That(after, Is.SameAs(finished));
    }

    [Test]
    public void A_call_still_live_gets_nothing_and_goes_on_as_if_there_was_no_gap()
    {
        var cut = Cut.After(S1, S1Customer, ChannelEventKind.Bridge);

        List<CallCommand> added = ReconcileAt(cut, new HashSet<string> { S1Customer, S1Agent, "some-other-call" }, out Switchboard board);
        CallState call = board.Calls.Single();
        board.FeedAll(cut.Rest);

        // The same commands, the finish marked as a guess: something may have happened unseen in the gap, which the
        // CDRs would tell.
        Assert.That(added, Is.Empty);
        Assert.That(board.Router.LiveLegs, Is.Zero);
        Assert.That(board.Commands.Select(c => c is FinishCall f ? f with { Estimated = false } : c),
            Is.EqualTo(Switchboard.Run(Captures.Events(S1)).Commands));
        Assert.That(board.Commands.OfType<FinishCall>().Single().Estimated, Is.True);
        Assert.That(call.IsOver, Is.False);
    }

    [Test]
    public void S2_only_the_leg_gone_is_ended_its_card_hidden_and_the_call_goes_on()
    {
        var cut = Cut.After(S2, S2Agent1002, ChannelEventKind.Progress);

        List<CallCommand> added = ReconcileAt(cut, new HashSet<string> { S2Customer, S2Agent1002 }, out Switchboard board);
        Assert.That(added, Is.EqualTo(new[] { new HideCard(S2Customer, null, "1001") }));
        Assert.That(board.Router.CallOfLeg.Keys, Is.EquivalentTo(new[] { S2Customer, S2Agent1002 }));

        // 1001's late hangup (it was up after all, in this replay) is ignored: its leg is already ended.
        // The same commands; the finish marked as a guess all the same (1001 might have answered unseen), for the CDRs.
        board.FeedAll(cut.Rest);
        Assert.That(board.Commands.Select(c => c is FinishCall f ? f with { Estimated = false } : c),
            Is.EqualTo(Switchboard.Run(Captures.Events(S2)).Commands));
        Assert.That(board.Commands.OfType<FinishCall>().Single().Estimated, Is.True);
    }

    [Test]
    public void Reconciling_twice_finishes_once()
    {
        var cut = Cut.After(S4, S4Agent, ChannelEventKind.Progress);

        _ = ReconcileAt(cut, NothingLive, out Switchboard board);
        board.Reconcile(NothingLive, cut.LastSeenAt.AddHours(1));

        Assert.That(board.Commands.OfType<FinishCall>().Count(), Is.EqualTo(1));
    }

    [Test]
    public void A_skipped_internal_call_ends_silently()
    {
        IEnumerable<ChannelEvent> internalCall = Sequences.Replace(Captures.Events(S8).Take(2),
            e => e.Kind == ChannelEventKind.Create, e => e with { DestinationNumber = "1002" });
        Switchboard board = Switchboard.Run(internalCall);

        board.Reconcile(NothingLive, DateTimeOffset.UnixEpoch);

        Assert.That(board.Commands, Is.Empty);
        Assert.That(board.Calls.Single().IsOver, Is.True);
    }
}
