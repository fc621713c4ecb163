using FsBitrix.Core.Events;

namespace FsBitrix.Core.Calls;

// Pickup and intercept (see CallRouter.Takeover): the phone that took a ringing call over joins it as an agent who
// answered, and its own call (to the pickup code) loses the leg and ends.
public sealed partial class CallReducer
{
    private CallState OnLegJoined(CallState state, ChannelEvent e, List<CallCommand> commands)
    {
        if (e.UniqueId is not { } uuid || state.Leg(uuid) is not null)
        {
            return state;
        }

        // The phone was answered when it dialled the code; it starts talking with the client now.
        string? extension = Extension(e.OrigCallerIdNumber);
        var leg = new LegState(uuid, LegRole.Agent, extension) { Answered = true, AnsweredAt = e.Timestamp };
        state = state.WithLeg(leg) with { LastOfferedAgent = extension ?? state.LastOfferedAgent };
        if (extension is null)
        {
            return state;
        }

        state = Offer(state, leg, commands);
        return state with { CurrentAgent = extension };
    }

    private CallState OnLegLeft(CallState state, ChannelEvent e, List<CallCommand> commands)
    {
        if (state.Leg(e.UniqueId) is not { Ended: false } leg)
        {
            return state;
        }

        // Not a hangup: the leg lives on in the other call. This call is over if it was its only leg.
        leg = leg with { Ended = true, EndedAt = e.Timestamp, Billsec = 0 };
        return AfterLegsEnded(state.WithLeg(leg), [leg], commands);
    }
}
