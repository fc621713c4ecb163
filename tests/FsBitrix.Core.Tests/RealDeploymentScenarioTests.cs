using FsBitrix.Core.Status;
using FsBitrix.Core.Calls;
using FsBitrix.Core.Events;
using FsBitrix.Core.Routing;
using FsBitrix.Core.Tests.Support;

namespace FsBitrix.Core.Tests;

/// <summary>
/// The captures of real deployments' flows (s18–s25: mod_callcenter, IVR, voicemail, pickup, follow-me), replayed
/// through router and reducer; each expected list is the "Expected Bitrix24 outcome" of the scenario's notes.
/// </summary>
public sealed class RealDeploymentScenarioTests
{
    private const string Customer = "+79161234567";

    private static string Rec(string uuid) => $"/usr/local/fs/rec/{uuid}.wav";

    private static DateTimeOffset? StartOf(string file) =>
        Captures.Events(file).First(e => e.Kind == ChannelEventKind.Create).Timestamp;

    private static List<CallCommand> Replay(string file) => Switchboard.Run(Captures.Events(file)).Commands;

    [Test]
    public void S18_callcenter_ring_all_shows_both_agents_and_counts_talk_from_the_agents_answer()
    {
        const string file = "s18_callcenter_ring_all.raw";
        const string c = "b7927199-0436-4d78-8c78-e5b1d559d9a6";

        // The customer's billsec is 6 s (the queue answered it); the talk with 1002 is 3.3 s.
        Assert.That(Replay(file), Is.EqualTo(new CallCommand[]
        {
            new RegisterCall(c, c, CallType.Inbound, Customer, "74951234571", null, StartOf(file)),
            new ShowCard(c, null, "1001"),
            new ShowCard(c, null, "1002"),
            new HideCard(c, null, "1001"),
            new FinishCall(c, null, "1002", 3, CallStatus.Answered, ""),
            new AttachRecording(c, null, Rec(c)),
        }));
    }

    [Test]
    public void S19_callcenter_top_down_takes_employees_from_the_legs_not_the_agent_names()
    {
        const string file = "s19_callcenter_next_agent.raw";
        const string c = "421765b1-90d7-4f61-861e-c9b54310487b";
        Assert.That(Replay(file), Is.EqualTo(new CallCommand[]
        {
            new RegisterCall(c, c, CallType.Inbound, Customer, "74951234572", null, StartOf(file)),
            new ShowCard(c, null, "1001"),
            new HideCard(c, null, "1001"),
            new ShowCard(c, null, "1002"),
            new FinishCall(c, null, "1002", 3, CallStatus.Answered, ""),
            new AttachRecording(c, null, Rec(c)),
        }));
    }

    [Test]
    public void S21_ivr_greeting_is_not_talk_time()
    {
        const string file = "s21_ivr_then_agent.raw";
        const string c = "63dc1157-1491-4cb5-8da4-df7d53483849";
        Assert.That(Replay(file), Is.EqualTo(new CallCommand[]
        {
            new RegisterCall(c, c, CallType.Inbound, Customer, "74951234573", null, StartOf(file)),
            new ShowCard(c, null, "1001"),
            new FinishCall(c, null, "1001", 4, CallStatus.Answered, ""),
            new AttachRecording(c, null, Rec(c)),
        }));
    }

    [Test]
    public void S22_voicemail_is_missed_with_the_message_attached()
    {
        const string file = "s22_voicemail.raw";
        const string c = "e5f3d8fa-e465-4bc7-8e97-24553e6bf117";
        const string message = "/usr/local/fs/run/storage/voicemail/default/lab.example/1001/msg_8855d12a-519f-403d-b3d4-4cc95d59b565.wav";
        Assert.That(Replay(file), Is.EqualTo(new CallCommand[]
        {
            new RegisterCall(c, c, CallType.Inbound, Customer, "74951234574", null, StartOf(file)),
            new ShowCard(c, null, "1001"),
            new HideCard(c, null, "1001"),
            new FinishCall(c, null, "1001", 0, CallStatus.Missed, "No answer: the client left a voicemail message"),
            new AttachRecording(c, null, message),
        }));
    }

    [Test]
    public void S23_pickup_moves_the_card_to_the_phone_that_took_the_call()
    {
        const string file = "s23_pickup.raw";
        const string c = "21ed1058-e7ea-437c-be04-111eeed3b21a";
        Assert.That(Replay(file), Is.EqualTo(new CallCommand[]
        {
            new RegisterCall(c, c, CallType.Inbound, Customer, "74951234575", null, StartOf(file)),
            new ShowCard(c, null, "1001"),
            new HideCard(c, null, "1001"),
            new ShowCard(c, null, "1002"),
            new FinishCall(c, null, "1002", 3, CallStatus.Answered, ""),
            new AttachRecording(c, null, Rec(c)),
        }));
    }

    [Test]
    public void S24_follow_me_is_one_call_of_the_follow_me_owner()
    {
        const string file = "s24_followme_mobile.raw";
        const string c = "a4874ae9-b5ad-416f-8c0d-99b06f4dd57e";
        Assert.That(Replay(file), Is.EqualTo(new CallCommand[]
        {
            new RegisterCall(c, c, CallType.Inbound, Customer, "74951234576", null, StartOf(file)),
            new ShowCard(c, null, "1001"),
            new FinishCall(c, null, "1001", 3, CallStatus.Answered, ""),
            new AttachRecording(c, null, Rec(c)),
        }));
    }

    [Test]
    public void S25_a_second_domains_call_is_a_plain_call_of_its_extension()
    {
        const string file = "s25_second_tenant.raw";
        const string c = "f43b4f43-3701-4912-9ca1-2f17ff1a2465";
        Assert.That(Replay(file), Is.EqualTo(new CallCommand[]
        {
            new RegisterCall(c, c, CallType.Inbound, Customer, "74951234577", null, StartOf(file)),
            new ShowCard(c, null, "1001"),
            new FinishCall(c, null, "1001", 3, CallStatus.Answered, ""),
            new AttachRecording(c, null, Rec(c)),
        }));
    }

    [TestCaseSource(typeof(ScenarioFiles), nameof(ScenarioFiles.RealDeployments))]
    public void Each_capture_is_one_reported_call_that_completes(string file)
    {
        Switchboard board = Switchboard.Run(Captures.Events(file));

        // A pickup's phone first makes a call of its own (to *8), never reported, that ends when it takes the call.
        CallState call = board.Calls.Single(c => !c.Silent);
        Assert.Multiple(() =>
        {
            Assert.That(board.Calls, Has.All.Matches<CallState>(c => c.IsOver && c.Finished));
            Assert.That(board.Commands.OfType<FinishCall>().Count(), Is.EqualTo(1));
            Assert.That(board.Commands.OfType<RegisterCall>().Count(), Is.EqualTo(1));
            Assert.That(board.Router.LiveLegs, Is.Zero);
            Assert.That(board.Commands.Select(x => x.CallKey), Is.All.EqualTo(call.CallKey));
        });
    }

    [TestCaseSource(typeof(ScenarioFiles), nameof(ScenarioFiles.RealDeployments))]
    public void After_every_event_the_rebuilt_router_is_the_router(string file)
    {
        var board = new Switchboard();
        foreach (ChannelEvent e in Captures.Events(file))
        {
            board.Feed(e);
            Assert.That(CallRouter.Rebuild(board.LiveCalls).CallOfLeg, Is.EquivalentTo(board.Router.CallOfLeg), $"after {e.Kind} of {e.UniqueId}");
        }
    }

    [TestCaseSource(typeof(ScenarioFiles), nameof(ScenarioFiles.RealDeployments))]
    public void A_restart_after_any_event_gives_the_same_commands(string file)
    {
        IReadOnlyList<ChannelEvent> events = Captures.Events(file);
        List<CallCommand> whole = Switchboard.Run(events).Commands;
        for (int i = 1; i < events.Count; i++)
        {
            Switchboard before = Switchboard.Run(events.Take(i));
            Switchboard after = Switchboard.Restore(before.LiveCalls.Select(RoundTrip));
            after.FeedAll(events.Skip(i));
            Assert.That(before.Commands.Concat(after.Commands), Is.EqualTo(whole), $"restarted after event {i} ({events[i - 1].Kind})");
        }
    }

    private static CallState RoundTrip(CallState state) =>
        Persistence.CallStateJson.Deserialize(Persistence.CallStateJson.Serialize(state));
}
