using System.Text;
using FsBitrix.Sandbox.State;
using FsBitrix.Tests.Support;

namespace FsBitrix.Tests;

/// <summary>
/// The captures of real deployments' flows (s18–s24) through the whole service to the sandbox portal: who sees the
/// card at each moment, and the one finish (user, status, talk time) with its recording or voicemail message.
/// The sandbox's users: extension 1001 is user 2, 1002 is user 3.
/// </summary>
[CancelAfter(60_000)]
public class RealDeploymentEndToEndTests
{
    private const int User1001 = 2;
    private const int User1002 = 3;

    [Test]
    public async Task S18_a_callcenter_ring_all_call_shows_both_agents_and_finishes_with_the_talk_time()
    {
        SandboxFinishedCall call = await PlayAsync("s18_callcenter_ring_all.raw",
            new Checkpoint("CHANNEL_ANSWER", "9c0c00cd-6cbf-44a1-8fa6-4a941ce70cbe", [User1001, User1002]),
            new Checkpoint("CHANNEL_HANGUP", "b7927199-0436-4d78-8c78-e5b1d559d9a6", [User1002]));

        AssertFinished(call, User1002, "200", 3);
        Assert.That(call.Recording!.FileName, Does.EndWith(".mp3"));
    }

    [Test]
    public async Task S19_a_top_down_queue_moves_the_card_from_the_agent_who_did_not_answer()
    {
        SandboxFinishedCall call = await PlayAsync("s19_callcenter_next_agent.raw",
            new Checkpoint("CHANNEL_HANGUP", "234c630f-95bd-4a08-8522-628cd613b2ba", [User1001]),
            new Checkpoint("CHANNEL_ANSWER", "ec277461-b8b1-4ef7-ab03-b225d8f6bf46", [User1002]));

        AssertFinished(call, User1002, "200", 3);
        Assert.That(call.Recording, Is.Not.Null);
    }

    [Test]
    public async Task S21_an_ivr_greeting_is_not_counted_as_talk()
    {
        SandboxFinishedCall call = await PlayAsync("s21_ivr_then_agent.raw",
            new Checkpoint("CHANNEL_ANSWER", "559bfaf5-beb0-4a00-9a7f-d9ee801b6a21", [User1001]));

        AssertFinished(call, User1001, "200", 4);
        Assert.That(call.Recording, Is.Not.Null);
    }

    [Test]
    public async Task S22_a_call_that_ends_in_voicemail_is_missed_with_the_message_as_its_recording()
    {
        SandboxFinishedCall call = await PlayAsync("s22_voicemail.raw",
            new Checkpoint("CHANNEL_HANGUP", "252ddc40-9969-4085-8c2c-4cca3b26760b", [User1001]));

        AssertFinished(call, User1001, "304", 0);
        Assert.That(call.FailedReason, Does.Contain("voicemail"));
        Assert.That(call.Recording!.FileName, Does.StartWith("msg_"), "the voicemail message, not a ringback recording");
    }

    [Test]
    public async Task S23_a_pickup_hands_the_card_to_the_phone_that_took_the_call()
    {
        SandboxFinishedCall call = await PlayAsync("s23_pickup.raw",
            new Checkpoint("CHANNEL_CREATE", "1bb984fb-8e9c-4152-8939-77ca6c23fa4e", [User1001]),
            new Checkpoint("CHANNEL_HANGUP", "1bb984fb-8e9c-4152-8939-77ca6c23fa4e", [User1002]));

        AssertFinished(call, User1002, "200", 3);
        Assert.That(call.Recording, Is.Not.Null);
    }

    [Test]
    public async Task S24_a_follow_me_to_a_mobile_is_one_call_of_the_follow_me_owner()
    {
        SandboxFinishedCall call = await PlayAsync("s24_followme_mobile.raw",
            new Checkpoint("CHANNEL_ANSWER", "910d299e-a565-40fa-bfc5-96b43cfdeab8", [User1001]));

        AssertFinished(call, User1001, "200", 3);
        Assert.That(call.Recording, Is.Not.Null);
    }

    /// <summary>Before the first <paramref name="EventName"/> of leg <paramref name="Leg"/> (a captured UUID), exactly these users see the card.</summary>
    private sealed record Checkpoint(string EventName, string Leg, int[] Viewers);

    // Sends the capture up to each checkpoint and waits until the portal shows exactly its viewers; then the rest,
    // and waits until everything the service will send has been sent.
    private static async Task<SandboxFinishedCall> PlayAsync(string capture, params Checkpoint[] checkpoints)
    {
        await using ServiceHarness h = await ServiceHarness.StartAsync();
        Replay replay = await h.PrepareAsync(capture);
        int sent = 0;
        foreach (Checkpoint point in checkpoints)
        {
            int at = replay.Frames.FindIndex(f => IsEvent(f, point.EventName, replay.Uuids[point.Leg]));
            Assert.That(at, Is.GreaterThanOrEqualTo(sent), $"{point.EventName} of {point.Leg} in {capture}");
            await h.FreeSwitch.SendAsync(replay.Frames.Skip(sent).Take(at - sent));
            sent = at;
            await h.Portal.WaitForAsync(s => s.LiveCalls.Count == 1 && s.CardViewers(s.LiveCalls[0].CallId).SequenceEqual(point.Viewers),
                ServiceHarness.Patience);
        }

        await h.FreeSwitch.SendAsync(replay.Frames.Skip(sent));
        await h.SettledAsync();

        PortalState portal = h.Portal.State;
        Assert.Multiple(() =>
        {
            Assert.That(portal.RequestCount("telephony.externalcall.register"), Is.EqualTo(1), "one Bitrix24 call");
            Assert.That(portal.RequestCount("telephony.externalcall.finish"), Is.EqualTo(1), "one finish");
            Assert.That(portal.LiveCalls, Is.Empty);
            Assert.That(portal.CardsByUser, Is.Empty, "no card left open");
        });
        return portal.FinishedCalls.Single();
    }

    private static void AssertFinished(SandboxFinishedCall call, int user, string status, int duration)
    {
        Assert.Multiple(() =>
        {
            Assert.That(call.Type, Is.EqualTo(2), "inbound");
            Assert.That(call.PhoneNumber, Is.EqualTo("+79161234567"));
            Assert.That(call.UserId, Is.EqualTo(user));
            Assert.That(call.StatusCode, Is.EqualTo(status));
            Assert.That(call.Duration, Is.InRange(duration - 1, duration + 1), "talk time within ±1 s");
        });
    }

    private static bool IsEvent(byte[] frame, string eventName, string uuid)
    {
        string text = Encoding.UTF8.GetString(frame);
        return text.Contains("\nEvent-Name: " + eventName + "\n", StringComparison.Ordinal)
            && text.Contains("\nUnique-ID: " + uuid + "\n", StringComparison.Ordinal);
    }
}
