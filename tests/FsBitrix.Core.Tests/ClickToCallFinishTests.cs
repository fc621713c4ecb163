using FsBitrix.Core.Status;
using FsBitrix.Core.Calls;
using FsBitrix.Core.Events;
using FsBitrix.Core.Tests.Support;
using FsBitrix.Esl.Events;

namespace FsBitrix.Core.Tests;

/// <summary>Whose a click-to-call is at its finish: whoever talks to the client at the end, not the leg rung first.</summary>
public sealed class ClickToCallFinishTests
{
    private const string S12 = "s12_click_to_call.raw";
    private const string Rep = "4235f4ce-24a0-4416-a7ab-3dc9a99dab3c";
    private const string Colleague = "00000000-0000-0000-0000-000000001002";
    private const string CallId = "externalCall.0123456789abcdef0123456789abcdef.1795490000";

    [Test]
    public void A_click_to_call_handed_to_a_colleague_is_finished_for_the_colleague()
    {
        FinishCall finish = Switchboard.Run(HandedToColleague()).Commands.OfType<FinishCall>().Single();

        Assert.That(finish, Is.EqualTo(new FinishCall(Rep, CallId, "1002", 3, CallStatus.Answered, "")));
    }

    [Test]
    public void A_click_to_call_nobody_else_answered_stays_the_reps()
    {
        FinishCall finish = Switchboard.Run(Captures.Events(S12)).Commands.OfType<FinishCall>().Single();

        Assert.That(finish.UserPhoneInner, Is.EqualTo("1001"));
        Assert.That(finish.UserId, Is.Null, "the reducer names extensions; a user id comes only from the event");
    }

    [Test]
    public void A_finish_without_a_user_id_reads_as_before()
    {
        var finish = new FinishCall("k", CallId, "1001", 0, CallStatus.TemporarilyUnavailable, "why");

        Assert.That(finish.UserId, Is.Null);
        Assert.That(finish with { UserId = 7 }, Is.Not.EqualTo(finish));
    }

    /// <summary>
    /// s12 where the rep, while talking, calls colleague 1002 (a consult leg dialled by the rep's leg), who
    /// answers; the rep then leaves and the colleague hangs up last.
    /// </summary>
    private static IEnumerable<ChannelEvent> HandedToColleague()
    {
        IReadOnlyList<ChannelEvent> s12 = Captures.Events(S12);
        int repHangup = s12.ToList().FindIndex(e => e.UniqueId == Rep && e.Kind == ChannelEventKind.Hangup);
        DateTimeOffset at = s12[repHangup].Timestamp!.Value.AddSeconds(-1);
        ChannelEvent Ev(ChannelEventKind kind, DateTimeOffset t) => new(kind, Colleague, t);

        return s12.Take(repHangup)
            .Append(Ev(ChannelEventKind.Create, at) with { Direction = CallDirection.Outbound, Originator = Rep, DestinationNumber = "1002" })
            .Append(Ev(ChannelEventKind.Progress, at))
            .Append(Ev(ChannelEventKind.Answer, at.AddMilliseconds(500)))
            .Concat(s12.Skip(repHangup))
            .Append(Ev(ChannelEventKind.HangupComplete, at.AddSeconds(10)) with { HangupCause = HangupCause.NORMAL_CLEARING, Billsec = 9 });
    }
}
