using FsBitrix.Core.Status;
using FsBitrix.Core.Calls;
using FsBitrix.Core.Events;
using FsBitrix.Core.Routing;
using FsBitrix.Core.Tests.Support;
using FsBitrix.Esl.Events;

namespace FsBitrix.Core.Tests;

/// <summary>
/// One originate ringing several phones (a callback rung on a group): the reps' legs are siblings, none dialled the
/// other, and each carries the portal's CALL_ID. They make one call with one finish, for whoever answered.
/// </summary>
public sealed class RingAllClickToCallTests
{
    private const string S12 = "s12_click_to_call.raw";
    private const string Rep = "4235f4ce-24a0-4416-a7ab-3dc9a99dab3c";
    private const string Client = "34d455a6-67cf-47fc-b06e-74592229ba38";
    private const string Sibling = "00000000-0000-0000-0000-000000001002";
    private const string CallId = "externalCall.0123456789abcdef0123456789abcdef.1795490000";
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 5, 0, 0, TimeSpan.Zero);

    [Test]
    public void Legs_with_the_same_call_id_join_one_call_and_other_call_ids_do_not()
    {
        CallRouter router = CallRouter.Empty;
        string? a, b, c;
        (router, a) = router.Route(Create("a", CallId));
        (router, b) = router.Route(Create("b", CallId));
        (_, c) = router.Route(Create("c", CallId + "0"));

        Assert.That((a, b, c), Is.EqualTo(("a", "a", "c")));
    }

    [Test]
    public void A_call_id_is_joinable_only_while_its_call_has_a_leg_up()
    {
        CallRouter router = CallRouter.Empty;
        (router, _) = router.Route(Create("a", CallId));
        (router, _) = router.Route(new ChannelEvent(ChannelEventKind.HangupComplete, "a", T0));
        (CallRouter after, string? late) = router.Route(Create("late", CallId));

        Assert.That(late, Is.EqualTo("late"), "a call over is not reopened (the outbox refuses its second finish)");
        Assert.That(router.CallOfBitrixCallId, Is.Empty);
        Assert.That(after.Forget("late").CallOfBitrixCallId, Is.Empty);
        Assert.That(after.KeepOnly(new HashSet<string>()).CallOfBitrixCallId, Is.Empty);
    }

    [Test]
    public void The_rep_who_answers_gets_the_finish_and_the_sibling_who_rang_first_loses_its_card()
    {
        List<CallCommand> commands = Switchboard.Run(WithSibling(Captures.Events(S12))).Commands;

        Assert.That(commands, Is.EqualTo(new CallCommand[]
        {
            new ShowCard(Sibling, CallId, "1002"),
            new ShowCard(Sibling, CallId, "1001"),
            new HideCard(Sibling, CallId, "1002"),
            new FinishCall(Sibling, CallId, "1001", 3, CallStatus.Answered, ""),
        }));
    }

    [Test]
    public void A_rep_answering_when_the_client_does_not_is_no_talk()
    {
        // A busy client's leg is never answered: no CHANNEL_ANSWER, and no answer state or time on its other events.
        IEnumerable<ChannelEvent> clientBusy = Sequences.Replace(
            Captures.Events(S12).Where(e => !(e.UniqueId == Client && e.Kind == ChannelEventKind.Answer))
                .Select(e => e.UniqueId == Client ? e with { AnsweredAt = null } : e),
            e => e.UniqueId == Client && e.Kind == ChannelEventKind.HangupComplete,
            e => e with { HangupCause = HangupCause.USER_BUSY, SipTermStatus = "486", Billsec = 0 });

        FinishCall finish = Switchboard.Run(WithSibling(clientBusy.ToList())).Commands.OfType<FinishCall>().Single();

        Assert.That(finish, Is.EqualTo(new FinishCall(Sibling, CallId, "1001", 0, CallStatus.Busy, "Busy (USER_BUSY, SIP 486)")));
    }

    [Test]
    public void Nobody_answering_is_one_finish_for_the_rep_rung_first()
    {
        IReadOnlyList<ChannelEvent> s13 = Captures.Events("s13_click_to_call_rep_no_answer.raw");

        FinishCall finish = Switchboard.Run(WithSibling(s13)).Commands.OfType<FinishCall>().Single();

        Assert.That(finish.UserPhoneInner, Is.EqualTo("1002"));
        Assert.That(finish.Status, Is.EqualTo(CallStatus.TemporarilyUnavailable));
        Assert.That(finish.FailedReason, Does.StartWith("The rep did not pick up"));
    }

    private static ChannelEvent Create(string uuid, string callId) =>
        new(ChannelEventKind.Create, uuid, T0) { Direction = CallDirection.Outbound, DestinationNumber = "1001", BitrixCallId = callId };

    /// <summary>
    /// The capture with a sibling leg to 1002 created just before the rep's (so it keys the call), ringing, and
    /// hung up (LOSE_RACE) once the rep answered — or at the end when nobody did.
    /// </summary>
    private static IEnumerable<ChannelEvent> WithSibling(IReadOnlyList<ChannelEvent> events)
    {
        ChannelEvent repCreate = events.First(e => e.Kind == ChannelEventKind.Create);
        ChannelEvent? repAnswer = events.FirstOrDefault(e => e.UniqueId == repCreate.UniqueId && e.Kind == ChannelEventKind.Answer);
        ChannelEvent create = repCreate with { UniqueId = Sibling, DestinationNumber = "1002", CalleeIdNumber = "1002" };
        ChannelEvent ringing = new(ChannelEventKind.Progress, Sibling, repCreate.Timestamp);
        ChannelEvent lost = new(ChannelEventKind.HangupComplete, Sibling, (repAnswer ?? events[^1]).Timestamp)
        {
            HangupCause = repAnswer is null ? HangupCause.NO_ANSWER : HangupCause.LOSE_RACE,
            Billsec = 0,
        };

        foreach (ChannelEvent e in events)
        {
            if (e == repCreate)
            {
                yield return create;
                yield return ringing;
            }

            if (e == events[^1] && repAnswer is null)
            {
                yield return lost;
            }

            yield return e;
            if (e == repAnswer)
            {
                yield return lost;
            }
        }
    }
}
