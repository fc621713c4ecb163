using FsBitrix.Core.Status;
using FsBitrix.Core.Calls;
using FsBitrix.Core.Events;
using FsBitrix.Core.Tests.Support;

namespace FsBitrix.Core.Tests;

/// <summary>
/// The real captures of ../shared/fixtures/esl/scenarios, replayed through router and reducer; each expected
/// command list is the "Expected Bitrix24 outcome" of the scenario's notes.
/// </summary>
public sealed class ScenarioTests
{
    private const string Customer = "+79161234567";
    private const string ClickCallId = "externalCall.0123456789abcdef0123456789abcdef.1795490000";

    private static string Rec(string uuid) => $"/opt/fswitch/rec/{uuid}.wav";

    private static DateTimeOffset? StartOf(string file) =>
        Captures.Events(file).First(e => e.Kind == ChannelEventKind.Create).Timestamp;

    private static List<CallCommand> Replay(string file) => Switchboard.Run(Captures.Events(file)).Commands;

    [TestCase("s1_inbound_answered.raw", "86e6b4a4-da8c-496f-8001-d64d3843a17b")]
    [TestCase("s1_inbound_answered_json.raw", "0e25fd71-b999-4815-b206-954fb7147c1e")]
    public void S1_inbound_answered(string file, string c)
    {
        Assert.That(Replay(file), Is.EqualTo(new CallCommand[]
        {
            new RegisterCall(c, c, CallType.Inbound, Customer, "74951234567", null, StartOf(file)),
            new ShowCard(c, null, "1001"),
            new FinishCall(c, null, "1001", 4, CallStatus.Answered, ""),
            new AttachRecording(c, null, Rec(c)),
        }));
    }

    [TestCase("s2_ring_all.raw", "d30b1f3b-745f-4479-86c0-09d9619a4858")]
    [TestCase("s2_ring_all_json.raw", "631ec174-4549-4e9a-8db5-65d5828902c3")]
    public void S2_ring_all_hides_the_card_of_the_agent_who_lost_the_race(string file, string c)
    {
        Assert.That(Replay(file), Is.EqualTo(new CallCommand[]
        {
            new RegisterCall(c, c, CallType.Inbound, Customer, "74951234568", null, StartOf(file)),
            new ShowCard(c, null, "1001"),
            new ShowCard(c, null, "1002"),
            new HideCard(c, null, "1001"),
            new FinishCall(c, null, "1002", 3, CallStatus.Answered, ""),
            new AttachRecording(c, null, Rec(c)),
        }));
    }

    [Test]
    public void S3_sequential_moves_the_card_from_the_agent_who_timed_out()
    {
        const string file = "s3_sequential.raw";
        const string c = "e4634a05-9393-4547-ae71-c653509f770e";
        Assert.That(Replay(file), Is.EqualTo(new CallCommand[]
        {
            new RegisterCall(c, c, CallType.Inbound, Customer, "74951234569", null, StartOf(file)),
            new ShowCard(c, null, "1001"),
            new HideCard(c, null, "1001"),
            new ShowCard(c, null, "1002"),
            new FinishCall(c, null, "1002", 3, CallStatus.Answered, ""),
            new AttachRecording(c, null, Rec(c)),
        }));
    }

    [Test]
    public void S4_missed_is_finished_304_without_the_ringback_recording()
    {
        const string file = "s4_missed.raw";
        const string c = "e4dad966-cf3a-4889-8443-0468cc2a7f19";
        Assert.That(Replay(file), Is.EqualTo(new CallCommand[]
        {
            new RegisterCall(c, c, CallType.Inbound, Customer, "74951234567", null, StartOf(file)),
            new ShowCard(c, null, "1001"),
            new HideCard(c, null, "1001"),
            new FinishCall(c, null, "1001", 0, CallStatus.Missed, "Caller hung up before an answer (ORIGINATOR_CANCEL, SIP 487)"),
        }));
    }

    [Test]
    public void S5_busy_inbound_is_missed_304_with_the_busy_reason()
    {
        const string file = "s5_busy.raw";
        const string c = "613878b1-09f4-4454-a84a-6f92568484be";

        // 1001's leg never rang (486 at once), so no card was shown; it is still the agent offered the call.
        Assert.That(Replay(file), Is.EqualTo(new CallCommand[]
        {
            new RegisterCall(c, c, CallType.Inbound, Customer, "74951234567", null, StartOf(file)),
            new FinishCall(c, null, "1001", 0, CallStatus.Missed, "Busy (USER_BUSY)"),
        }));
    }

    [Test]
    public void S6_blind_transfer_is_one_call_whose_card_follows_to_the_new_agent()
    {
        const string file = "s6_blind_transfer.raw";
        const string c = "59afc382-5697-442d-af65-b1eb3a5be2e8";
        Assert.That(Replay(file), Is.EqualTo(new CallCommand[]
        {
            new RegisterCall(c, c, CallType.Inbound, Customer, "74951234567", null, StartOf(file)),
            new ShowCard(c, null, "1001"),
            new HideCard(c, null, "1001"),
            new ShowCard(c, null, "1002"),
            new FinishCall(c, null, "1002", 7, CallStatus.Answered, ""),
            new AttachRecording(c, null, Rec(c)),
        }));
    }

    [Test]
    public void S7_outbound_is_registered_by_the_calling_extension()
    {
        const string file = "s7_outbound.raw";
        const string c = "fadbe028-bf61-4475-bce7-0a90a7c23d5f";
        Assert.That(Replay(file), Is.EqualTo(new CallCommand[]
        {
            new RegisterCall(c, c, CallType.Outbound, "89161234567", null, "1001", StartOf(file)),
            new ShowCard(c, null, "1001"),
            new FinishCall(c, null, "1001", 3, CallStatus.Answered, ""),
            new AttachRecording(c, null, Rec(c)),
        }));
    }

    [Test]
    public void S8_outbound_no_answer_is_480_never_304()
    {
        const string file = "s8_outbound_no_answer.raw";
        const string c = "198075e1-f916-4bd8-96c4-226b67ef9ba3";
        Assert.That(Replay(file), Is.EqualTo(new CallCommand[]
        {
            new RegisterCall(c, c, CallType.Outbound, "89161234567", null, "1001", StartOf(file)),
            new ShowCard(c, null, "1001"),
            new FinishCall(c, null, "1001", 0, CallStatus.TemporarilyUnavailable, "No answer (NO_ANSWER)"),
        }));
    }

    [Test]
    public void S9_queue_socket_call()
    {
        const string file = "s9_queue_socket.raw";
        const string c = "9dbf1cff-959f-4057-b8e6-64ba469dcdfc";
        Assert.That(Replay(file), Is.EqualTo(new CallCommand[]
        {
            new RegisterCall(c, c, CallType.Inbound, Customer, "74951234570", null, StartOf(file)),
            new ShowCard(c, null, "1001"),
            new FinishCall(c, null, "1001", 3, CallStatus.Answered, ""),
        }));
    }

    [Test]
    public void S12_click_to_call_finishes_the_portals_call_id_without_registering()
    {
        const string c = "4235f4ce-24a0-4416-a7ab-3dc9a99dab3c";

        // Duration is the client's leg (3 s), not the rep's (5 s, which includes the client's ringing).
        Assert.That(Replay("s12_click_to_call.raw"), Is.EqualTo(new CallCommand[]
        {
            new ShowCard(c, ClickCallId, "1001"),
            new FinishCall(c, ClickCallId, "1001", 3, CallStatus.Answered, ""),
        }));
    }

    [Test]
    public void S13_click_to_call_the_rep_never_answered_still_finishes()
    {
        const string c = "265c8fd9-aba3-4de7-a09b-05a9f14aa6b3";
        Assert.That(Replay("s13_click_to_call_rep_no_answer.raw"), Is.EqualTo(new CallCommand[]
        {
            new ShowCard(c, ClickCallId, "1001"),
            new HideCard(c, ClickCallId, "1001"),
            new FinishCall(c, ClickCallId, "1001", 0, CallStatus.TemporarilyUnavailable, "The rep did not pick up: No answer (NO_ANSWER)"),
        }));
    }

    [Test]
    public void S15_attended_transfer_shows_the_consulted_agent_and_finishes_with_them()
    {
        const string file = "s15_attended_transfer.raw";
        const string c = "3fd3ecb4-fcad-4cd6-9b45-c61f78427d69";
        Assert.That(Replay(file), Is.EqualTo(new CallCommand[]
        {
            new RegisterCall(c, c, CallType.Inbound, Customer, "74951234567", null, StartOf(file)),
            new ShowCard(c, null, "1001"),
            new ShowCard(c, null, "1002"),
            new HideCard(c, null, "1001"),
            new FinishCall(c, null, "1002", 9, CallStatus.Answered, ""),
            new AttachRecording(c, null, Rec(c)),
        }));
    }

    [Test]
    public void S16_socket_ring_all()
    {
        const string file = "s16_socket_ring_all.raw";
        const string c = "1bc7867e-9b14-4310-92e2-85847eaf27ff";
        Assert.That(Replay(file), Is.EqualTo(new CallCommand[]
        {
            new RegisterCall(c, c, CallType.Inbound, Customer, "74951234570", null, StartOf(file)),
            new ShowCard(c, null, "1001"),
            new ShowCard(c, null, "1002"),
            new HideCard(c, null, "1001"),
            new FinishCall(c, null, "1002", 3, CallStatus.Answered, ""),
        }));
    }

    [Test]
    public void S17_socket_abandon_is_missed()
    {
        const string file = "s17_socket_abandon.raw";
        const string c = "6e9dc129-b0df-4a0a-89a9-676dc57cc229";
        Assert.That(Replay(file), Is.EqualTo(new CallCommand[]
        {
            new RegisterCall(c, c, CallType.Inbound, Customer, "74951234570", null, StartOf(file)),
            new ShowCard(c, null, "1001"),
            new HideCard(c, null, "1001"),
            new FinishCall(c, null, "1001", 0, CallStatus.Missed, "Caller hung up before an answer (ORIGINATOR_CANCEL, SIP 487)"),
        }));
    }
}
