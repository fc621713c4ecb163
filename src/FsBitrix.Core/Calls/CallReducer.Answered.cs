using FsBitrix.Core.Events;

namespace FsBitrix.Core.Calls;

// A leg is answered if any event of it says so, not only its CHANNEL_ANSWER: a service that was stopped (or whose
// socket was cut) while a phone was answered sees the call's later events say "answered", and the leg's
// CHANNEL_HANGUP_COMPLETE says when (answer_uepoch). Talk time and status then follow as if the answer had been seen.
public sealed partial class CallReducer
{
    private static CallState NoteAnswered(CallState state, ChannelEvent e)
    {
        if (e.Kind == ChannelEventKind.Answer || e.AnsweredAt is not { } answeredAt || state.Leg(e.UniqueId) is not { Answered: false, Ended: false } leg)
        {
            return state;
        }

        return AnsweredUnseen(state, leg, answeredAt);
    }

    private static CallState AnsweredUnseen(CallState state, LegState leg, DateTimeOffset answeredAt)
    {
        // No card now: the moment to show one passed unseen, and the call may be ending.
        state = state.WithLeg(leg with { Answered = true, AnsweredAt = answeredAt, Offered = true });
        return leg is { Role: LegRole.Agent, Extension: { } extension } ? state with { CurrentAgent = extension } : state;
    }
}
