using FsBitrix.Core.Events;

namespace FsBitrix.Core.Calls;

// Several companies on one switch, one FreeSWITCH domain each. A call's company is the domain its events name: the
// caller's domain_name (set by the DID, or the directory for a phone), else the domain of the employee it rings. It
// is learnt until the call's first commands go and never changes after, so every command of a call reaches one portal.
public sealed partial class CallReducer
{
    private static CallState NoteDomain(CallState state, ChannelEvent e)
    {
        if (state.Domain is not null || !(state.Kind == CallKind.Unknown || state.FirstCommandsHeld))
        {
            return state;
        }

        string? domain = e.UniqueId == state.CallKey ? e.DomainName : e.Kind == ChannelEventKind.Create ? DomainOf(e) : null;
        return string.IsNullOrEmpty(domain) ? state : state with { Domain = domain.ToLowerInvariant() };
    }

    /// <summary>The domain of the employee a leg rings: the directory user the <c>user/</c> endpoint dialled, or the presence id's.</summary>
    public static string? DomainOf(ChannelEvent e) =>
        e.DialedDomain is { Length: > 0 } dialled ? dialled
        : e.PresenceId?.IndexOf('@', StringComparison.Ordinal) is int at and > 0 ? e.PresenceId[(at + 1)..]
        : null;

    /// <summary>
    /// An employee of another company rung on this call (a misrouted bridge): never shown this company's client. Only
    /// with several companies, and by company, not domain: two domains of the default company are one company.
    /// </summary>
    public bool IsOtherCompanys(CallState state, ChannelEvent e)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(e);
        return _settings.HoldUntilDomain && state.Domain is { } own && DomainOf(e) is { } theirs && CompanyOf(own) != CompanyOf(theirs);
    }

    private string CompanyOf(string domain) =>
        _settings.TenantDomains.Contains(domain.ToLowerInvariant()) ? domain.ToLowerInvariant() : string.Empty;

    /// <summary>
    /// The first commands go once the domain is known, or before any other command, or when the call ends: a card must
    /// not wait, and a call must reach Bitrix24 even if it never names its domain (then it is the default company's).
    /// A call an extension makes shows its card at once, so it waits only for its own leg's next event: once the
    /// switch dials the client, the caller's leg has said all it will say.
    /// </summary>
    private CallState ReleaseHeld(CallState state, List<CallCommand> commands, ChannelEvent? e = null)
    {
        bool callerWaits = state.Kind is CallKind.Outbound or CallKind.Internal && e?.UniqueId is { } leg && leg != state.CallKey;
        if (!state.FirstCommandsHeld || (state.Domain is null && commands.Count == 0 && !state.IsOver && !callerWaits))
        {
            return state;
        }

        commands.InsertRange(0, FirstCommands(state));
        return state with { FirstCommandsHeld = false };
    }

    /// <summary>What a call's start sends: the register, and for a call an extension makes, the card to that extension.</summary>
    private List<CallCommand> FirstCommands(CallState state) => state.Kind switch
    {
        CallKind.Inbound =>
        [
            new RegisterCall(state.CallKey, state.CallKey, CallType.Inbound, state.PhoneNumber ?? string.Empty, state.LineNumber,
                _settings.DefaultUserPhoneInner, state.StartedAt),
        ],
        CallKind.Outbound or CallKind.Internal =>
        [
            new RegisterCall(state.CallKey, state.CallKey, CallType.Outbound, state.PhoneNumber ?? string.Empty, null, state.CallerExtension,
                state.StartedAt),
            new ShowCard(state.CallKey, null, state.CallerExtension!),
        ],
        _ => [],
    };
}
