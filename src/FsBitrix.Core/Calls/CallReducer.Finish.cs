using FsBitrix.Core.Events;
using FsBitrix.Core.Status;

namespace FsBitrix.Core.Calls;

// The end of a call: exactly one finish, when the last leg has hung up, then its recordings.
public sealed partial class CallReducer
{
    // The cause is final at CHANNEL_HANGUP; kept in case its CHANNEL_HANGUP_COMPLETE is lost in a gap.
    private static CallState OnHangup(CallState state, ChannelEvent e) =>
        state.Leg(e.UniqueId) is { Ended: false } leg && e.HangupCause is { } cause
            ? state.WithLeg(leg with { HangupCause = cause })
            : state;

    private CallState OnHangupComplete(CallState state, ChannelEvent e, List<CallCommand> commands)
    {
        if (state.Leg(e.UniqueId) is not { Ended: false } leg)
        {
            return state;
        }

        leg = leg with
        {
            Ended = true,
            EndedAt = e.Timestamp,

            // The CDR's answer time is exact; a leg marked answered by a later event's answer state only had that time.
            AnsweredAt = e.AnsweredAt ?? leg.AnsweredAt,
            Billsec = e.Billsec ?? (int)((e.Billmsec ?? 0) / 1000),
            HangupCause = e.HangupCause ?? leg.HangupCause,
            SipTermStatus = e.SipTermStatus,
        };
        state = state.WithLeg(leg) with { Queue = state.Queue ?? e.Queue };
        if (e.VoicemailFilePath is { Length: > 0 } message)
        {
            state = WithVoicemail(state, message, e.VoicemailAccount);
        }

        return AfterLegsEnded(state, [leg], commands);
    }

    /// <summary>The card rules for agents who left, then the finish if nobody is left.</summary>
    private CallState AfterLegsEnded(CallState state, IEnumerable<LegState> ended, List<CallCommand> commands)
    {
        foreach (LegState leg in ended.Where(l => l.Role == LegRole.Agent))
        {
            state = OnAgentLegEnded(state, leg, commands);
        }

        return state.IsOver && !state.Finished ? Finish(state, commands) : state;
    }

    private CallState Finish(CallState state, List<CallCommand> commands)
    {
        // A click-to-call belongs to whoever talks to the client now (a colleague who took it over, or who answered
        // a callback rung on several phones); the rep who was rung first if nobody answered.
        string? user = state.Kind switch
        {
            CallKind.Inbound => state.CurrentAgent ?? state.LastOfferedAgent ?? state.VoicemailOwner ?? _settings.DefaultUserPhoneInner,
            CallKind.ClickToCall => state.CurrentAgent ?? state.CallerExtension,
            _ => state.CallerExtension,
        };

        foreach (string other in state.CardsShownTo.Where(x => x != user).ToList())
        {
            state = Hide(state, other, commands);
        }

        LegState own = state.Legs[0];
        bool talked = Talked(state, own);
        (CallStatus status, string reason) = talked ? (CallStatus.Answered, string.Empty) : Unanswered(state, own);

        int duration = talked ? TalkSeconds(state) : 0;
        if (talked && duration == 0 && state.Legs.Exists(l => l.EndInferred))
        {
            // Answered, then ended unseen: it talked for an unknown time, and 0 s would report it as not connected.
            duration = 1;
        }

        // A leg whose end was not seen took with it what only it knew (whether, when and for how long it talked), and
        // across a gap a leg may have come and gone unseen: the finish is a guess the call's CDRs may correct.
        commands.Add(new FinishCall(state.CallKey, state.BitrixCallId, user, duration, status, reason,
            Estimated: state.ThroughGap || state.Legs.Exists(l => l.EndInferred)));

        // A recording of a call nobody answered holds only ringback: not worth a CRM attachment. A voicemail message
        // is what the client said: it is the recording of a missed call.
        IEnumerable<string> attachments = talked ? state.Recordings.Union(state.Voicemails) : state.Voicemails;
        commands.AddRange(attachments.Select(path => new AttachRecording(state.CallKey, state.BitrixCallId, path)));

        return state with { Finished = true, CardsShownTo = [] };
    }

    // A click-to-call rung on several phones has several reps' legs: only the client answering makes it a talk.
    // A loopback half answers when the leg behind it does: only that leg is somebody talking.
    private static bool Talked(CallState state, LegState own) => state.Kind == CallKind.ClickToCall
        ? state.Legs.Exists(l => l.Role is not (LegRole.Agent or LegRole.Wire) && l.Answered)
        : state.Legs.Exists(l => l.Uuid != own.Uuid && l.Role != LegRole.Wire && l.Answered);

    // The client's side of the call: the inbound caller's leg, else the legs dialled to the client (the rep's
    // leg of a click-to-call also counts the client's ringing). An internal call has no client: its callee's leg.
    private static int TalkSeconds(CallState state)
    {
        if (state.Kind == CallKind.Inbound)
        {
            return InboundTalkSeconds(state);
        }

        IEnumerable<LegState> dialled = state.Legs.Skip(1);
        IEnumerable<LegState> clients = dialled.Where(l => l.Role == LegRole.Customer);
        return (clients.Any() ? clients : dialled).Select(l => l.Billsec).DefaultIfEmpty(0).Max();
    }

    private static (CallStatus Status, string Reason) Unanswered(CallState state, LegState own)
    {
        if (state.Kind == CallKind.Inbound)
        {
            return (CallStatus.Missed, MissedReason(state, own));
        }

        if (state.Kind == CallKind.ClickToCall && !state.Legs.Exists(l => l.Role == LegRole.Agent && l.Answered))
        {
            return (Status(own), FailedReasons.RepDidNotAnswer(Reason(own)));
        }

        // The client's leg knows best why the client was not reached.
        LegState decisive = state.Legs.FindLast(l => l.Role == LegRole.Customer) ?? own;
        return (Status(decisive), Reason(decisive));
    }

    // A leg whose hangup was never seen has no cause: "not reached" (480) is all that is known, not "OTHER".
    private static CallStatus Status(LegState leg) => leg.EndInferred && leg.HangupCause is null
        ? CallStatus.TemporarilyUnavailable
        : UnansweredStatus.For(leg.HangupCause, leg.SipTermStatus);

    private static string Reason(LegState leg) => leg.EndInferred && leg.HangupCause is null
        ? FailedReasons.EndNotSeen
        : FailedReasons.Describe(leg.HangupCause, leg.SipTermStatus);
}
