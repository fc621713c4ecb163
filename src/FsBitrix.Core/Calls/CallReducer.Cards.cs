using FsBitrix.Core.Events;

namespace FsBitrix.Core.Calls;

// Who sees the card: agents while their phone rings or they talk; hidden when their leg stops ringing, or when
// the call has moved on to a colleague.
public sealed partial class CallReducer
{
    private static CallState OnRinging(CallState state, ChannelEvent e, List<CallCommand> commands) =>
        state.Leg(e.UniqueId) is { Role: LegRole.Agent, Offered: false } leg ? Offer(state, leg, commands) : state;

    private static CallState OnAnswer(CallState state, ChannelEvent e, List<CallCommand> commands)
    {
        if (state.Leg(e.UniqueId) is not { } leg)
        {
            return state;
        }

        state = state.WithLeg(leg with { Answered = true, AnsweredAt = leg.AnsweredAt ?? e.Timestamp });
        if (leg.Role != LegRole.Agent || leg.Extension is null)
        {
            return state;
        }

        // A phone may answer without ringing first (auto-answer, no 180): show the card now.
        state = leg.Offered ? state : Offer(state, state.Leg(leg.Uuid)!, commands);
        return state with { CurrentAgent = leg.Extension };
    }

    private static CallState Offer(CallState state, LegState leg, List<CallCommand> commands)
    {
        state = state.WithLeg(leg with { Offered = true });
        if (leg.Extension is not { } extension || state.CardsShownTo.Contains(extension))
        {
            return state;
        }

        // Cards left with agents who handed the call on (a blind transfer) go when the next agent gets it.
        foreach (string stale in state.CardsShownTo.Where(x => !HasLiveLeg(state, x)).ToList())
        {
            state = Hide(state, stale, commands);
        }

        commands.Add(new ShowCard(state.CallKey, state.BitrixCallId, extension));
        return state with { CardsShownTo = state.CardsShownTo.Add(extension) };
    }

    /// <summary>An agent's leg ended: hide their card unless it may still be the call's final owner.</summary>
    private static CallState OnAgentLegEnded(CallState state, LegState leg, List<CallCommand> commands)
    {
        if (leg.Extension is not { } extension || !state.CardsShownTo.Contains(extension)
            || HasLiveLeg(state, extension) || IsCallersOwnLeg(state, leg))
        {
            return state;
        }

        if (!leg.Answered)
        {
            // Stopped ringing: timed out, rejected, lost the race to a colleague, or the client gave up.
            return Hide(state, extension, commands);
        }

        LegState? colleague = state.Legs.FindLast(l => l.IsLiveAgent && l.Answered && l.Extension != extension);
        if (colleague is null)
        {
            // Either the call ends now (finish hides this card) or it is being transferred: decided later.
            return state;
        }

        state = state.CurrentAgent == extension ? state with { CurrentAgent = colleague.Extension } : state;
        return Hide(state, extension, commands);
    }

    private static CallState Hide(CallState state, string extension, List<CallCommand> commands)
    {
        commands.Add(new HideCard(state.CallKey, state.BitrixCallId, extension));
        return state with { CardsShownTo = state.CardsShownTo.Remove(extension) };
    }

    private static bool HasLiveLeg(CallState state, string extension) =>
        state.Legs.Exists(l => l.IsLiveAgent && l.Extension == extension);

    // The extension that placed an outbound call never "rings"; the finish closes its card.
    private static bool IsCallersOwnLeg(CallState state, LegState leg) =>
        leg.Uuid == state.CallKey && state.Kind is CallKind.Outbound or CallKind.Internal;
}
