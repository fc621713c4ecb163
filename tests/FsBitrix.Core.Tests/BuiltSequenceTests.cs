using FsBitrix.Core.Status;
using FsBitrix.Core.Calls;
using FsBitrix.Core.Events;
using FsBitrix.Core.Tests.Support;
using FsBitrix.Esl.Events;

namespace FsBitrix.Core.Tests;

/// <summary>Rules pinned on sequences built from the captures: more agents, other outcomes, other settings.</summary>
public sealed class BuiltSequenceTests
{
    private const string S1 = "s1_inbound_answered.raw";
    private const string S1Customer = "86e6b4a4-da8c-496f-8001-d64d3843a17b";
    private const string S1Agent = "9f3b587a-8612-4833-af43-6c594165361d";
    private const string S2 = "s2_ring_all.raw";
    private const string S2Customer = "d30b1f3b-745f-4479-86c0-09d9619a4858";
    private const string S2Agent1001 = "d5d45690-0c5c-4a6e-8f98-fdefa9842661";
    private const string S8 = "s8_outbound_no_answer.raw";
    private const string S8Pstn = "2874b513-8d0c-484f-bc54-3d097c0d819e";

    private static IReadOnlyList<ChannelEvent> Events(string file) => Captures.Events(file);

    [Test]
    public void Ring_group_of_three_shows_all_and_hides_both_losers()
    {
        IEnumerable<ChannelEvent> events = Sequences.DuplicateLeg(Events(S2), S2Agent1001, "00000000-0000-0000-0000-000000001003", "1003");

        List<CallCommand> commands = Switchboard.Run(events).Commands;

        Assert.That(commands.Where(c => c is not RegisterCall and not AttachRecording), Is.EqualTo(new CallCommand[]
        {
            new ShowCard(S2Customer, null, "1001"),
            new ShowCard(S2Customer, null, "1003"),
            new ShowCard(S2Customer, null, "1002"),
            new HideCard(S2Customer, null, "1001"),
            new HideCard(S2Customer, null, "1003"),
            new FinishCall(S2Customer, null, "1002", 3, CallStatus.Answered, ""),
        }));
    }

    [Test]
    public void Overlapping_calls_each_get_their_own_commands_in_order()
    {
        IEnumerable<ChannelEvent> both = Sequences.Overlap(Events(S1), Events(S2), TimeSpan.FromSeconds(1));

        Switchboard board = Switchboard.Run(both);

        Assert.Multiple(() =>
        {
            Assert.That(board.Calls.Select(c => c.CallKey), Is.EqualTo(new[] { S1Customer, S2Customer }));
            Assert.That(board.Commands.Where(c => c.CallKey == S1Customer), Is.EqualTo(Switchboard.Run(Events(S1)).Commands));
            Assert.That(board.Commands.Where(c => c.CallKey == S2Customer).Skip(1),
                Is.EqualTo(Switchboard.Run(Events(S2)).Commands.Skip(1)), "all but register, whose start time moved");
            Assert.That(board.Calls, Has.All.Matches<CallState>(c => c.IsOver && c.Finished));
        });
    }

    [Test]
    public void Two_calls_from_the_same_number_are_registered_with_their_own_external_call_ids()
    {
        IReadOnlyList<ChannelEvent> again = Sequences.Rename(Events(S1), new Dictionary<string, string>
        {
            [S1Customer] = "11111111-0000-0000-0000-000000000001",
            [S1Agent] = "11111111-0000-0000-0000-000000000002",
        }).ToList();

        List<CallCommand> commands = Switchboard.Run(Sequences.Overlap(Events(S1), again, TimeSpan.FromSeconds(2))).Commands;

        Assert.That(commands.OfType<RegisterCall>().Select(r => r.ExternalCallId),
            Is.EqualTo(new[] { S1Customer, "11111111-0000-0000-0000-000000000001" }));
        Assert.That(commands.OfType<FinishCall>().Count(), Is.EqualTo(2));
    }

    [Test]
    public void A_phone_that_answers_without_ringing_first_still_gets_the_card()
    {
        IEnumerable<ChannelEvent> events = Events(S1).Where(e => !(e.Kind == ChannelEventKind.Progress && e.UniqueId == S1Agent));

        List<CallCommand> commands = Switchboard.Run(events).Commands;

        Assert.That(commands.OfType<ShowCard>().Select(s => s.UserPhoneInner), Is.EqualTo(new[] { "1001" }));
        Assert.That(commands.OfType<FinishCall>().Single().UserPhoneInner, Is.EqualTo("1001"));
    }

    [TestCase(HangupCause.USER_BUSY, "486", "486")]
    [TestCase(HangupCause.ORIGINATOR_CANCEL, null, "603-S")]
    [TestCase(HangupCause.CALL_REJECTED, "603", "603")]
    [TestCase(HangupCause.CALL_REJECTED, "402", "402")]
    [TestCase(HangupCause.UNALLOCATED_NUMBER, "404", "404")]
    [TestCase(HangupCause.GATEWAY_DOWN, null, "503")]
    public void Unanswered_outbound_status_comes_from_the_clients_leg(HangupCause cause, string? sip, string status)
    {
        IEnumerable<ChannelEvent> events = Sequences.Replace(Events(S8),
            e => e.UniqueId == S8Pstn && e.Kind == ChannelEventKind.HangupComplete,
            e => e with { HangupCause = cause, SipTermStatus = sip });

        FinishCall finish = Switchboard.Run(events).Commands.OfType<FinishCall>().Single();

        Assert.Multiple(() =>
        {
            Assert.That(CallStatusCodes.Of(finish.Status), Is.EqualTo(status));
            Assert.That(finish.Status, Is.Not.EqualTo(CallStatus.Missed));
            Assert.That(finish.Duration, Is.Zero);
            Assert.That(finish.FailedReason, Does.Contain(cause.ToString()));
        });
    }

    [Test]
    public void Click_to_call_whose_client_is_busy_finishes_the_portals_call_id_busy()
    {
        const string pstn = "34d455a6-67cf-47fc-b06e-74592229ba38";
        // A busy client's leg is never answered: no CHANNEL_ANSWER, and no answer state or time on its other events.
        IEnumerable<ChannelEvent> events = Sequences.Replace(
            Events("s12_click_to_call.raw").Where(e => !(e.UniqueId == pstn && e.Kind == ChannelEventKind.Answer))
                .Select(e => e.UniqueId == pstn ? e with { AnsweredAt = null } : e),
            e => e.UniqueId == pstn && e.Kind == ChannelEventKind.HangupComplete,
            e => e with { HangupCause = HangupCause.USER_BUSY, SipTermStatus = "486", Billsec = 0 });

        FinishCall finish = Switchboard.Run(events).Commands.OfType<FinishCall>().Single();

        Assert.That(finish, Is.EqualTo(new FinishCall("4235f4ce-24a0-4416-a7ab-3dc9a99dab3c",
            "externalCall.0123456789abcdef0123456789abcdef.1795490000", "1001", 0, CallStatus.Busy, "Busy (USER_BUSY, SIP 486)")));
    }

    [Test]
    public void Internal_calls_are_followed_to_their_end_but_not_sent_by_default()
    {
        Switchboard board = Switchboard.Run(InternalCall());

        Assert.Multiple(() =>
        {
            Assert.That(board.Commands, Is.Empty);
            Assert.That(board.Calls.Single().Kind, Is.EqualTo(CallKind.Internal));
            Assert.That(board.Calls.Single().IsOver, Is.True);
            Assert.That(board.Router.LiveLegs, Is.Zero);
        });
    }

    [Test]
    public void Internal_calls_are_sent_when_configured()
    {
        const string caller = "fadbe028-bf61-4475-bce7-0a90a7c23d5f";
        List<CallCommand> commands = Switchboard.Run(InternalCall(), CallSettings.Default with { SkipInternalCalls = false }).Commands;

        Assert.That(commands.Where(c => c is not RegisterCall and not AttachRecording), Is.EqualTo(new CallCommand[]
        {
            new ShowCard(caller, null, "1001"),
            new ShowCard(caller, null, "1002"),
            new HideCard(caller, null, "1002"),
            new FinishCall(caller, null, "1001", 3, CallStatus.Answered, ""),
        }));
        Assert.That(commands[0], Is.InstanceOf<RegisterCall>().With.Property(nameof(RegisterCall.PhoneNumber)).EqualTo("1002"));
    }

    [Test]
    public void External_number_length_is_a_setting()
    {
        // With 12 digits needed, the customer's 11-digit number reads as an extension: an internal call.
        var settings = CallSettings.Default with { ExternalNumberMinLength = 12 };

        Switchboard board = Switchboard.Run(Events(S1), settings);

        Assert.That(board.Commands, Is.Empty);
        Assert.That(board.Calls.Single().Kind, Is.EqualTo(CallKind.Internal));
    }

    [Test]
    public void An_inbound_call_no_agent_was_offered_is_registered_and_finished_for_the_default_user()
    {
        const string customer = "6e9dc129-b0df-4a0a-89a9-676dc57cc229";
        var settings = CallSettings.Default with { DefaultUserPhoneInner = "100" };

        List<CallCommand> commands = Switchboard.Run(Events("s17_socket_abandon.raw").Where(e => e.UniqueId is null or customer), settings).Commands;

        Assert.Multiple(() =>
        {
            Assert.That(commands.OfType<RegisterCall>().Single().UserPhoneInner, Is.EqualTo("100"));
            Assert.That(commands.OfType<FinishCall>().Single(), Is.EqualTo(new FinishCall(customer, null, "100", 0, CallStatus.Missed,
                "Caller hung up before an answer (ORIGINATOR_CANCEL, SIP 487)")));
        });
    }

    [Test]
    public void A_queue_call_remembers_its_queue()
    {
        Assert.That(Switchboard.Run(Events("s9_queue_socket.raw")).Calls.Single().Queue, Is.EqualTo("sales"));
    }

    // s7 with the dialled number turned into extension 1002: 1001 calls 1002.
    private static IEnumerable<ChannelEvent> InternalCall() =>
        Sequences.Replace(Events("s7_outbound.raw"), e => e.DestinationNumber is not null, e => e with { DestinationNumber = "1002" });
}
