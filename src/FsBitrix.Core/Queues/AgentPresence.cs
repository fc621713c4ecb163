using System.Collections.Immutable;
using FsBitrix.Core.Calls;
using FsBitrix.Core.Events;
using FsBitrix.Esl.Events;

namespace FsBitrix.Core.Queues;

/// <summary>
/// Who is on the phone, shared by every queue: an immutable value the service keeps one of and replaces with each
/// channel event (<see cref="Apply"/>) and each planner step (offers). An extension is busy while any leg of its
/// phone lives — ringing counts, so a second call never rings a phone that rings for the first — and while a queue
/// has offered it to a call whose leg has not shown up yet.
/// </summary>
public sealed record AgentPresence
{
    public static AgentPresence Empty { get; } = new();

    /// <summary>Live legs of extensions' phones, by leg UUID.</summary>
    public ImmutableDictionary<string, AgentLeg> Legs { get; init; } =
        ImmutableDictionary<string, AgentLeg>.Empty.WithComparers(StringComparer.Ordinal);

    /// <summary>Extension → the call a queue rings it for. Covers the gap between the bridge and CHANNEL_CREATE.</summary>
    public ImmutableDictionary<string, string> Offers { get; init; } =
        ImmutableDictionary<string, string>.Empty.WithComparers(StringComparer.Ordinal);

    /// <summary>When each extension last hung up a call it had answered (wrap-up and longest-idle count from it).</summary>
    public ImmutableDictionary<string, DateTimeOffset> LastCallEnded { get; init; } =
        ImmutableDictionary<string, DateTimeOffset>.Empty.WithComparers(StringComparer.Ordinal);

    /// <summary>Busy with a call other than <paramref name="exceptCall"/> (a call may ring its own agent again).</summary>
    public bool IsBusy(string extension, string? exceptCall = null)
    {
        if (Offers.TryGetValue(extension, out string? call) && call != exceptCall)
        {
            return true;
        }

        foreach (AgentLeg leg in Legs.Values)
        {
            if (leg.Extension == extension && leg.CallKey != exceptCall)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Not busy with another call and past the wrap-up of its last answered call.</summary>
    public bool IsFree(string extension, string callKey, TimeSpan wrapUp, DateTimeOffset now) =>
        !IsBusy(extension, callKey)
        && !(LastCallEnded.TryGetValue(extension, out DateTimeOffset ended) && ended + wrapUp > now);

    public AgentPresence Offer(string callKey, IEnumerable<string> extensions)
    {
        ImmutableDictionary<string, string>.Builder offers = Offers.ToBuilder();
        foreach (string extension in extensions)
        {
            offers[extension] = callKey;
        }

        return this with { Offers = offers.ToImmutable() };
    }

    /// <summary>Drops every offer <paramref name="callKey"/> holds; its legs stay busy until they hang up.</summary>
    public AgentPresence Withdraw(string callKey)
    {
        ImmutableDictionary<string, string> offers = Offers.RemoveRange(
            Offers.Where(o => o.Value == callKey).Select(o => o.Key).ToList());
        return offers == Offers ? this : this with { Offers = offers };
    }

    /// <summary>Follows the phones' legs: created → busy, answered → talking, hung up → free (answered: wrap-up).</summary>
    public AgentPresence Apply(ChannelEvent e, CallSettings settings)
    {
        ArgumentNullException.ThrowIfNull(e);
        ArgumentNullException.ThrowIfNull(settings);
        if (e.UniqueId is not { } uuid)
        {
            return this;
        }

        AgentLeg? leg = Legs.GetValueOrDefault(uuid);
        switch (e.Kind)
        {
            case ChannelEventKind.Create or ChannelEventKind.ChannelData when leg is null:
                return ExtensionOf(e, settings) is { } extension
                    ? this with { Legs = Legs.Add(uuid, new AgentLeg(extension, e.Originator ?? e.OtherLegUniqueId ?? uuid, false)) }
                    : this;
            case ChannelEventKind.Answer when leg is { Answered: false }:
                return this with { Legs = Legs.SetItem(uuid, leg with { Answered = true }) };
            case ChannelEventKind.Hangup or ChannelEventKind.HangupComplete when leg is not null:
                return Ended(uuid, leg, e.Timestamp);
            default:
                return this;
        }
    }

    private AgentPresence Ended(string uuid, AgentLeg leg, DateTimeOffset? at)
    {
        AgentPresence next = this with { Legs = Legs.Remove(uuid) };
        bool later = at is { } t && (!LastCallEnded.TryGetValue(leg.Extension, out DateTimeOffset prior) || t > prior);
        return leg.Answered && later
            ? next with { LastCallEnded = LastCallEnded.SetItem(leg.Extension, at!.Value) }
            : next;
    }

    /// <summary>
    /// The agent whose phone this leg is (<see cref="AgentAddress"/>): the number FreeSWITCH dials on a leg it places
    /// (agent legs), the caller on a leg a phone places (a rep on an outgoing call is busy too); clients' numbers are
    /// not extensions. With several companies the extension is qualified by the leg's domain when that domain has a
    /// company of its own: their 1001 ringing leaves the default company's 1001 free.
    /// </summary>
    internal static string? ExtensionOf(ChannelEvent e, CallSettings settings)
    {
        string? number = e.Direction == CallDirection.Outbound
            ? e.DestinationNumber
            : e.CallerIdNumber ?? e.OrigCallerIdNumber;
        int at = number?.IndexOf('@', StringComparison.Ordinal) ?? -1;
        string? dialled = at > 0 ? number![(at + 1)..] : null;
        number = at > 0 ? number![..at] : number;
        if (!PhoneNumbers.IsExtension(number, settings))
        {
            return null;
        }

        string? domain = settings.TenantDomains.Count == 0 ? null : DomainOf(e, dialled)?.ToLowerInvariant();
        return AgentAddress.Of(number!, domain is not null && settings.TenantDomains.Contains(domain) ? domain : null);
    }

    // A leg FreeSWITCH places names the user it dialled (dialed_domain, presence_id); a phone's own leg carries its
    // directory's domain_name.
    private static string? DomainOf(ChannelEvent e, string? dialled) =>
        e.Direction == CallDirection.Outbound
            ? CallReducer.DomainOf(e) ?? dialled ?? e.DomainName
            : e.DomainName ?? CallReducer.DomainOf(e) ?? dialled;
}
