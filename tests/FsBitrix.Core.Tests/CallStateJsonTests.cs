using FsBitrix.Core.Status;
using System.Collections.Immutable;
using System.Text.Json;
using FsBitrix.Core.Calls;
using FsBitrix.Core.Events;
using FsBitrix.Core.Persistence;
using FsBitrix.Core.Tests.Support;
using FsBitrix.Esl.Events;

namespace FsBitrix.Core.Tests;

/// <summary>
/// The service stores each live call after every step and, after a restart, goes on from the stored states with a
/// router rebuilt from them: the commands must be those of a run that never stopped, with exactly one finish.
/// </summary>
public sealed class CallStateJsonTests
{
    private const string S1 = "s1_inbound_answered.raw";
    private const string S1Customer = "86e6b4a4-da8c-496f-8001-d64d3843a17b";
    private const string S1Agent = "9f3b587a-8612-4833-af43-6c594165361d";
    private const string S6 = "s6_blind_transfer.raw";
    private const string S6Customer = "59afc382-5697-442d-af65-b1eb3a5be2e8";
    private const string S6Agent1001 = "c8e53972-6bba-46f1-8191-548db58e6a8d";

    private static List<CallState> Stored(Switchboard board) =>
        board.LiveCalls.Select(CallStateJson.Serialize).Select(CallStateJson.Deserialize).ToList();

    /// <summary>Runs <paramref name="cut"/>'s events, "restarts" from the stored calls, runs the rest.</summary>
    private static (List<CallCommand> Before, List<CallCommand> After) RestartAt(Cut cut)
    {
        Switchboard first = Switchboard.Run(cut.Seen);
        Switchboard restarted = Switchboard.Restore(Stored(first));
        restarted.FeedAll(cut.Rest);
        return (first.Commands, restarted.Commands);
    }

    private static void AssertSameState(CallState actual, CallState expected)
    {
        static CallState Scalars(CallState s) => s with
        {
            Legs = ImmutableList<LegState>.Empty,
            CardsShownTo = ImmutableList<string>.Empty,
            Recordings = ImmutableList<string>.Empty,
        };

        Assert.Multiple(() =>
        {
            Assert.That(Scalars(actual), Is.EqualTo(Scalars(expected)));
            Assert.That(actual.Legs, Is.EqualTo(expected.Legs));
            Assert.That(actual.CardsShownTo, Is.EqualTo(expected.CardsShownTo));
            Assert.That(actual.Recordings, Is.EqualTo(expected.Recordings));
        });
    }

    [Test]
    public void S1_restarted_after_the_agent_answered_finishes_once_as_if_it_never_stopped()
    {
        (List<CallCommand> before, List<CallCommand> after) = RestartAt(Cut.After(S1, S1Agent, ChannelEventKind.Answer));

        Assert.That(before.Concat(after), Is.EqualTo(Switchboard.Run(Captures.Events(S1)).Commands));
        Assert.That(after.OfType<FinishCall>().Single(), Is.EqualTo(new FinishCall(S1Customer, null, "1001", 4, CallStatus.Answered, "")));
    }

    [Test]
    public void S6_restarted_mid_transfer_still_moves_the_card_and_finishes_with_the_new_agent()
    {
        // 1001 has left (blind transfer), 1002's leg is not created yet: the stored call has one live leg.
        var cut = Cut.After(S6, S6Agent1001, ChannelEventKind.HangupComplete);

        (List<CallCommand> before, List<CallCommand> after) = RestartAt(cut);

        Assert.That(before.Concat(after), Is.EqualTo(Switchboard.Run(Captures.Events(S6)).Commands));
        Assert.That(after.Where(c => c is not AttachRecording), Is.EqualTo(new CallCommand[]
        {
            new HideCard(S6Customer, null, "1001"),
            new ShowCard(S6Customer, null, "1002"),
            new FinishCall(S6Customer, null, "1002", 7, CallStatus.Answered, ""),
        }));
    }

    [TestCaseSource(typeof(ScenarioFiles), nameof(ScenarioFiles.All))]
    public void A_restart_after_any_event_changes_no_command(string file)
    {
        IReadOnlyList<ChannelEvent> events = Captures.Events(file);
        List<CallCommand> uninterrupted = Switchboard.Run(events).Commands;

        for (int k = 0; k <= events.Count; k++)
        {
            (List<CallCommand> before, List<CallCommand> after) = RestartAt(new Cut(events.Take(k).ToList(), events.Skip(k).ToList()));

            Assert.That(before.Concat(after), Is.EqualTo(uninterrupted), $"restarted after event {k}");
        }
    }

    [TestCaseSource(typeof(ScenarioFiles), nameof(ScenarioFiles.All))]
    public void Every_state_of_a_call_round_trips_exactly(string file)
    {
        var board = new Switchboard();
        foreach (ChannelEvent e in Captures.Events(file))
        {
            board.Feed(e);
            CallState state = board.Calls.Single();
            string json = CallStateJson.Serialize(state);
            CallState back = CallStateJson.Deserialize(json);

            AssertSameState(back, state);
            Assert.That(CallStateJson.Serialize(back), Is.EqualTo(json));
        }
    }

    [Test]
    public void Every_field_survives_even_those_no_capture_sets()
    {
        var t = new DateTimeOffset(2026, 11, 24, 8, 55, 14, TimeSpan.FromHours(3)).AddTicks(1234567);
        CallState state = new CallState("k")
        {
            Kind = CallKind.ClickToCall,
            Silent = true,
            PhoneNumber = "+79161234567",
            LineNumber = "74951234567",
            StartedAt = t,
            LastEventAt = t.AddSeconds(9),
            BitrixCallId = "externalCall.1",
            CallerExtension = "1001",
            Queue = "sales",
            Legs =
            [
                new LegState("k", LegRole.Agent, "1001")
                {
                    Offered = true, Answered = true, AnsweredAt = t.AddSeconds(1), Ended = true, EndInferred = true,
                    Billsec = 8, HangupCause = HangupCause.MEDIA_TIMEOUT, SipTermStatus = "408",
                },
                new LegState("o", LegRole.Other, null),
            ],
            CardsShownTo = ["1001", "1002"],
            CurrentAgent = "1002",
            LastOfferedAgent = "1003",
            Recordings = ["/a.wav", "/b.wav"],
            Finished = true,
        };

        CallState back = CallStateJson.Deserialize(CallStateJson.Serialize(state));

        AssertSameState(back, state);
        Assert.That(back.StartedAt!.Value.Offset, Is.EqualTo(TimeSpan.FromHours(3)));
    }

    [Test]
    public void Enums_are_stored_by_name_and_derived_values_are_not_stored()
    {
        CallState state = Switchboard.Run(Cut.After(S1, S1Agent, ChannelEventKind.Answer).Seen).Calls.Single();

        string json = CallStateJson.Serialize(state);

        Assert.That(json, Does.Contain("\"Kind\":\"Inbound\"").And.Contain("\"Role\":\"Agent\""));
        Assert.That(json, Does.Not.Contain("IsOver").And.Not.Contain("IsLiveAgent"));
    }

    [TestCase("null")]
    [TestCase("{}")]
    [TestCase("{\"CallKey\":null}")]
    [TestCase("{\"CallKey\":\"k\",\"Legs\":null}")]
    [TestCase("{\"CallKey\":\"k\",\"Kind\":\"NoSuchKind\"}")]
    public void What_is_not_a_stored_call_is_refused(string json) =>
        Assert.That(() => CallStateJson.Deserialize(json), Throws.InstanceOf<JsonException>());

    [Test]
    public void A_call_stored_before_a_restart_that_ended_while_down_is_reconciled_once()
    {
        var cut = Cut.After(S1, S1Customer, ChannelEventKind.Bridge);
        Switchboard restarted = Switchboard.Restore(Stored(Switchboard.Run(cut.Seen)));

        restarted.Reconcile(new HashSet<string>(), cut.LastSeenAt.AddHours(1));
        restarted.Reconcile(new HashSet<string>(), cut.LastSeenAt.AddHours(2));

        Assert.That(restarted.Commands.OfType<FinishCall>().Single(), Is.EqualTo(new FinishCall(S1Customer, null, "1001", 1, CallStatus.Answered, "", Estimated: true)));
        Assert.That(restarted.Router.LiveLegs, Is.Zero);
    }
}
