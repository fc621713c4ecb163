using FsBitrix.Core.Status;
using FsBitrix.Core.Calls;
using FsBitrix.Esl.Connection;
using FsBitrix.Esl.Events;
using FsBitrix.Esl.Inbound;
using FsBitrix.Simulator.Flows;
using FsBitrix.Simulator.Tests.Support;

namespace FsBitrix.Simulator.Tests;

/// <summary>Click-to-call as the service starts it: the exact bgapi originate of s12/s13, with the client's Job-UUID.</summary>
[CancelAfter(20_000)]
public sealed class ClickToCallTests
{
    private const string CallId = "externalCall.0123456789abcdef0123456789abcdef.1795490000";

    private static string OriginateCommand(string repLeg, string extra = "") =>
        $"originate {{origination_uuid={repLeg},origination_caller_id_number=+79161234567,origination_caller_id_name=Client,bitrix_call_id={CallId},ignore_early_media=true{extra}}}"
        + "sofia/internal/1001@127.0.0.1:5071 &bridge({origination_caller_id_number=74951234567}sofia/gateway/pstn/89161234567)";

    [Test]
    public async Task The_rep_answers_the_job_says_OK_with_the_reps_leg_then_the_client_is_dialled()
    {
        await using Harness h = await Harness.StartAsync();
        (EslInboundClient client, EventLog log) = await h.ConnectAsync();
        string rep = Guid.NewGuid().ToString();
        string job = Guid.NewGuid().ToString();

        BackgroundJobResult result = await client.BackgroundApiAsync(OriginateCommand(rep), job).WaitAsync(TimeSpan.FromSeconds(10));
        List<EslEvent> events = await log.WaitAsync(e => e.Count(x => x.EventName == "CHANNEL_DESTROY") == 2);

        Assert.That(result.JobUuid, Is.EqualTo(job));
        Assert.That(result.Output, Is.EqualTo($"+OK {rep}\n"));
        Assert.That(Sequences.Milestone(events), Is.EqualTo(Sequences.Milestone(Fixtures.Events("s12_click_to_call.raw"))));
        Assert.That(Switchboard.Run(events), Is.EqualTo(new CallCommand[]
        {
            new ShowCard(rep, CallId, "1001"),
            new FinishCall(rep, CallId, "1001", 3, CallStatus.Answered, ""),
        }));
    }

    [Test]
    public async Task The_rep_never_answers_the_job_fails_NO_ANSWER_at_the_originate_timeout_and_no_client_is_dialled()
    {
        var options = new SimulatorOptions { Phones = new Dictionary<string, Phone> { ["1001"] = new("1001", PhoneAction.NeverAnswers) } };
        await using Harness h = await Harness.StartAsync(options);
        (EslInboundClient client, EventLog log) = await h.ConnectAsync();
        string rep = Guid.NewGuid().ToString();

        BackgroundJobResult result = await client.BackgroundApiAsync(OriginateCommand(rep, ",originate_timeout=8")).WaitAsync(TimeSpan.FromSeconds(10));
        List<EslEvent> events = await log.WaitForAsync("CHANNEL_DESTROY");

        Assert.That(result.Output, Is.EqualTo("-ERR NO_ANSWER\n"));
        Assert.That(Sequences.Milestone(events), Is.EqualTo(Sequences.Milestone(Fixtures.Events("s13_click_to_call_rep_no_answer.raw"))));
        Assert.That(events.First(e => e.EventName == "CHANNEL_HANGUP").Timestamp - events.First().Timestamp,
            Is.EqualTo(TimeSpan.FromSeconds(8)).Within(TimeSpan.FromMilliseconds(100)), "virtual time, however fast the test ran");
        Assert.That(Switchboard.Run(events), Is.EqualTo(new CallCommand[]
        {
            new ShowCard(rep, CallId, "1001"),
            new HideCard(rep, CallId, "1001"),
            new FinishCall(rep, CallId, "1001", 0, CallStatus.TemporarilyUnavailable, "The rep did not pick up: No answer (NO_ANSWER)"),
        }));
    }

    [Test]
    public async Task The_reps_leg_carries_the_call_id_and_flips_its_caller_id_on_answer_as_freeswitch_does()
    {
        await using Harness h = await Harness.StartAsync();
        (EslInboundClient client, EventLog log) = await h.ConnectAsync();
        string rep = Guid.NewGuid().ToString();

        await client.BackgroundApiAsync(OriginateCommand(rep)).WaitAsync(TimeSpan.FromSeconds(10));
        List<EslEvent> events = await log.WaitAsync(e => e.Count(x => x.EventName == "CHANNEL_DESTROY") == 2);

        EslEvent create = events.First(e => e.EventName == "CHANNEL_CREATE" && e.UniqueId == rep);
        EslEvent clientLeg = events.First(e => e.EventName == "CHANNEL_CREATE" && e.UniqueId != rep);
        EslEvent repDone = events.First(e => e.EventName == "CHANNEL_HANGUP_COMPLETE" && e.UniqueId == rep);
        Assert.That(create["Caller-Caller-ID-Number"], Is.EqualTo("+79161234567"));
        Assert.That(create.GetVariable("bitrix_call_id"), Is.EqualTo(CallId));
        Assert.That(repDone["Caller-Caller-ID-Number"], Is.EqualTo("1001"));
        Assert.That(repDone["Caller-Orig-Caller-ID-Number"], Is.EqualTo("+79161234567"));
        Assert.That(clientLeg.GetVariable("bitrix_call_id"), Is.Null, "originate's {} variables are not inherited by the &bridge leg");
        Assert.That(clientLeg.GetVariable("originator"), Is.EqualTo(rep));
        Assert.That(clientLeg["Caller-Caller-ID-Number"], Is.EqualTo("74951234567"));
    }
}
