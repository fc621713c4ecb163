using FsBitrix.Core.Status;
using FsBitrix.Core.Calls;
using FsBitrix.Esl.Events;
using FsBitrix.Simulator.Flows;
using FsBitrix.Simulator.Tests.Support;

namespace FsBitrix.Simulator.Tests;

/// <summary>
/// Each standard flow played over the wire to the ESL library's real client, then (1) its milestones held against
/// the real capture of the same scenario, and (2) its events fed through the real router and reducer: the
/// Bitrix24 commands must be those the scenario's notes call correct.
/// </summary>
[CancelAfter(20_000)]
public sealed class FlowTests
{
    private const string Customer = "+79031112233";
    private const string Did = "74951234567";
    private const string Client = "89161234567";

    public sealed record Case(string Name, CallScript Script, string Capture, Func<string, DateTimeOffset?, string, CallCommand[]> Expected)
    {
        public override string ToString() => Name;
    }

    private static IEnumerable<Case> Cases()
    {
        yield return new("s1 inbound answered", StandardFlows.InboundAnswered(Customer, Did, "1001"), "s1_inbound_answered.raw",
            (c, at, rec) => [new RegisterCall(c, c, CallType.Inbound, Customer, Did, null, at), new ShowCard(c, null, "1001"),
                new FinishCall(c, null, "1001", 4, CallStatus.Answered, ""), new AttachRecording(c, null, rec)]);
        yield return new("s2 ring-all", StandardFlows.RingAll(Customer, "74951234568", "1001", "1002"), "s2_ring_all.raw",
            (c, at, rec) => [new RegisterCall(c, c, CallType.Inbound, Customer, "74951234568", null, at), new ShowCard(c, null, "1001"),
                new ShowCard(c, null, "1002"), new HideCard(c, null, "1001"), new FinishCall(c, null, "1002", 3, CallStatus.Answered, ""),
                new AttachRecording(c, null, rec)]);
        yield return new("s3 sequential", StandardFlows.Sequential(Customer, "74951234569", "1001", "1002"), "s3_sequential.raw",
            (c, at, rec) => [new RegisterCall(c, c, CallType.Inbound, Customer, "74951234569", null, at), new ShowCard(c, null, "1001"),
                new HideCard(c, null, "1001"), new ShowCard(c, null, "1002"), new FinishCall(c, null, "1002", 3, CallStatus.Answered, ""),
                new AttachRecording(c, null, rec)]);
        yield return new("s4 missed", StandardFlows.Missed(Customer, Did, "1001"), "s4_missed.raw",
            (c, at, _) => [new RegisterCall(c, c, CallType.Inbound, Customer, Did, null, at), new ShowCard(c, null, "1001"),
                new HideCard(c, null, "1001"),
                new FinishCall(c, null, "1001", 0, CallStatus.Missed, "Caller hung up before an answer (ORIGINATOR_CANCEL, SIP 487)")]);
        yield return new("s5 busy", StandardFlows.Busy(Customer, Did, "1001"), "s5_busy.raw",
            (c, at, _) => [new RegisterCall(c, c, CallType.Inbound, Customer, Did, null, at),
                new FinishCall(c, null, "1001", 0, CallStatus.Missed, "Busy (USER_BUSY)")]);
        yield return new("s6 blind transfer", StandardFlows.BlindTransfer(Customer, Did, "1001", "1002"), "s6_blind_transfer.raw",
            (c, at, rec) => [new RegisterCall(c, c, CallType.Inbound, Customer, Did, null, at), new ShowCard(c, null, "1001"),
                new HideCard(c, null, "1001"), new ShowCard(c, null, "1002"), new FinishCall(c, null, "1002", 7, CallStatus.Answered, ""),
                new AttachRecording(c, null, rec)]);
        yield return new("s7 outbound", StandardFlows.Outbound("1001", Client), "s7_outbound.raw",
            (c, at, rec) => [new RegisterCall(c, c, CallType.Outbound, Client, null, "1001", at), new ShowCard(c, null, "1001"),
                new FinishCall(c, null, "1001", 3, CallStatus.Answered, ""), new AttachRecording(c, null, rec)]);
        yield return new("s8 outbound no answer", StandardFlows.OutboundNoAnswer("1001", Client), "s8_outbound_no_answer.raw",
            (c, at, _) => [new RegisterCall(c, c, CallType.Outbound, Client, null, "1001", at), new ShowCard(c, null, "1001"),
                new FinishCall(c, null, "1001", 0, CallStatus.TemporarilyUnavailable, "No answer (NO_ANSWER)")]);

        // The real deployments' flows (mod_callcenter, IVR, voicemail, follow-me).
        yield return new("s18 callcenter ring-all", StandardFlows.CallcenterRingAll(Customer, "74951234571", "1001", "1002"), "s18_callcenter_ring_all.raw",
            (c, at, rec) => [new RegisterCall(c, c, CallType.Inbound, Customer, "74951234571", null, at), new ShowCard(c, null, "1001"),
                new ShowCard(c, null, "1002"), new HideCard(c, null, "1001"), new FinishCall(c, null, "1002", 3, CallStatus.Answered, ""),
                new AttachRecording(c, null, rec)]);
        yield return new("s19 callcenter top-down", StandardFlows.CallcenterTopDown(Customer, "74951234572", "1001", "1002"), "s19_callcenter_next_agent.raw",
            (c, at, rec) => [new RegisterCall(c, c, CallType.Inbound, Customer, "74951234572", null, at), new ShowCard(c, null, "1001"),
                new HideCard(c, null, "1001"), new ShowCard(c, null, "1002"), new FinishCall(c, null, "1002", 3, CallStatus.Answered, ""),
                new AttachRecording(c, null, rec)]);
        yield return new("s21 IVR then agent", StandardFlows.IvrThenAgent(Customer, "74951234573", "1001"), "s21_ivr_then_agent.raw",
            (c, at, rec) => [new RegisterCall(c, c, CallType.Inbound, Customer, "74951234573", null, at), new ShowCard(c, null, "1001"),
                new FinishCall(c, null, "1001", 4, CallStatus.Answered, ""), new AttachRecording(c, null, rec)]);
        yield return new("s22 voicemail", StandardFlows.VoicemailOnNoAnswer(Customer, "74951234574", "1001"), "s22_voicemail.raw",
            (c, at, message) => [new RegisterCall(c, c, CallType.Inbound, Customer, "74951234574", null, at), new ShowCard(c, null, "1001"),
                new HideCard(c, null, "1001"), new FinishCall(c, null, "1001", 0, CallStatus.Missed, "No answer: the client left a voicemail message"),
                new AttachRecording(c, null, message)]);
        yield return new("s24 follow-me", StandardFlows.FollowMe(Customer, "74951234576", "1001", "89161112233"), "s24_followme_mobile.raw",
            (c, at, rec) => [new RegisterCall(c, c, CallType.Inbound, Customer, "74951234576", null, at), new ShowCard(c, null, "1001"),
                new FinishCall(c, null, "1001", 3, CallStatus.Answered, ""), new AttachRecording(c, null, rec)]);
    }

    [TestCaseSource(nameof(Cases))]
    public async Task The_reducer_turns_the_flow_into_the_commands_the_notes_expect(Case flow)
    {
        await using Harness h = await Harness.StartAsync();
        (_, EventLog log) = await h.ConnectAsync();

        List<EslEvent> events = await h.PlayAsync(flow.Script, log);

        string call = Sequences.FirstLeg(events)!;
        // The call's recording: record_session's file, or the voicemail message of a call that ended in voicemail.
        string recording = events.LastOrDefault(e => e.EventName == EslEventNames.RecordStop)?["Record-File-Path"]
            ?? $"/var/lib/freeswitch/recordings/{call}.wav";
        Assert.That(Switchboard.Run(events), Is.EqualTo(flow.Expected(call, Sequences.StartOf(events), recording)));
    }

    [TestCaseSource(nameof(Cases))]
    public async Task The_flow_reaches_the_same_milestones_in_the_same_order_as_the_capture(Case flow)
    {
        await using Harness h = await Harness.StartAsync();
        (_, EventLog log) = await h.ConnectAsync();

        List<EslEvent> events = await h.PlayAsync(flow.Script, log);

        Assert.That(Sequences.Milestone(events), Is.EqualTo(Sequences.Milestone(Fixtures.Events(flow.Capture))));
    }

    [Test]
    public async Task Every_call_gets_fresh_uuids()
    {
        await using Harness h = await Harness.StartAsync();
        (_, EventLog log) = await h.ConnectAsync();

        List<EslEvent> first = await h.PlayAsync(StandardFlows.InboundAnswered(Customer, Did, "1001"), log);
        List<EslEvent> second = await h.PlayAsync(StandardFlows.InboundAnswered(Customer, Did, "1001"), log);

        var legs = first.Concat(second).Select(e => e.UniqueId).OfType<string>().Distinct().ToList();
        Assert.That(legs, Has.Count.EqualTo(4));
        Assert.That(legs.Select(Guid.Parse), Is.Unique);
    }
}
