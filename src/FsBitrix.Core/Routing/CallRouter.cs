using System.Collections.Immutable;
using FsBitrix.Core.Events;

namespace FsBitrix.Core.Routing;

/// <summary>
/// Pure routing of events to calls: (router, event) → (router, call key). A leg that no known leg dialled starts a
/// call keyed by its own UUID; a leg dialled by a known leg (<c>variable_originator</c>, else
/// <c>Other-Leg-Unique-ID</c>, both present from CHANNEL_CREATE) joins that leg's call, so an att_xfer consult leg
/// dialled by an agent's leg lands in the customer's call. Channel-Call-UUID is not used: after a transfer it
/// names the wrong leg. A leg is forgotten at its CHANNEL_HANGUP_COMPLETE, so the map holds live legs only.
/// </summary>
public sealed partial record CallRouter(ImmutableDictionary<string, string> CallOfLeg)
{
    public static CallRouter Empty { get; } = new(ImmutableDictionary<string, string>.Empty.WithComparers(StringComparer.Ordinal));

    public int LiveLegs => CallOfLeg.Count;

    /// <returns>The call the event belongs to, or null when it belongs to no call we follow.</returns>
    public (CallRouter Router, string? CallKey) Route(ChannelEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (e.Kind == ChannelEventKind.BackgroundJob)
        {
            // An originate's job speaks for the leg it created, while that leg lives.
            return (this, e.OriginationUuid is { } leg ? CallOfLeg.GetValueOrDefault(leg) : null);
        }

        if (e.UniqueId is not { } uuid)
        {
            return (this, null);
        }

        bool hangupComplete = e.Kind == ChannelEventKind.HangupComplete;
        if (CallOfLeg.TryGetValue(uuid, out string? known))
        {
            return (hangupComplete ? new CallRouter(CallOfLeg.Remove(uuid)) : this, known);
        }

        string? key = Linked(e);
        bool starts = key is null && e.Kind is ChannelEventKind.Create or ChannelEventKind.ChannelData;
        key ??= starts ? uuid : null;
        if (key is null)
        {
            // A leg already up when we connected: its call is reconciled elsewhere, not rebuilt from a middle.
            return (this, null);
        }

        return (hangupComplete ? this : new CallRouter(CallOfLeg.Add(uuid, key)), key);
    }

    private string? Linked(ChannelEvent e) =>
        (e.Originator is { } o ? CallOfLeg.GetValueOrDefault(o) : null)
        ?? (e.OtherLegUniqueId is { } other ? CallOfLeg.GetValueOrDefault(other) : null);
}
