using System.Collections.Immutable;
using FsBitrix.Core.Events;

namespace FsBitrix.Core.Routing;

/// <summary>
/// Pure routing of events to calls: (router, event) → (router, call key). A leg that no known leg dialled starts a
/// call keyed by its own UUID; a leg dialled by a known leg (<c>variable_originator</c>, else
/// <c>Other-Leg-Unique-ID</c>, both present from CHANNEL_CREATE) joins that leg's call, so an att_xfer consult leg
/// dialled by an agent's leg lands in the customer's call. Channel-Call-UUID is not used: after a transfer it
/// names the wrong leg. A leg is forgotten at its CHANNEL_HANGUP_COMPLETE, so the map holds live legs only.
/// Legs of one originate to several phones at once (a callback ringing a group) are siblings: none dialled the
/// other, but each carries the portal's CALL_ID (<c>bitrix_call_id</c>), so a leg with the CALL_ID of a call in
/// progress joins that call, which then has one finish.
/// </summary>
public sealed partial record CallRouter(ImmutableDictionary<string, string> CallOfLeg)
{
    public static CallRouter Empty { get; } = new(ImmutableDictionary<string, string>.Empty.WithComparers(StringComparer.Ordinal));

    /// <summary>The portal's CALL_ID → the call carrying it, while that call has a leg up.</summary>
    public ImmutableDictionary<string, string> CallOfBitrixCallId { get; init; } =
        ImmutableDictionary<string, string>.Empty.WithComparers(StringComparer.Ordinal);

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
            return (hangupComplete ? WithoutLeg(uuid, known) : this, known);
        }

        string? key = Linked(e);
        // A click-to-call's rep leg starts its call even when it is a loopback half (Dial:Extension through loopback/).
        bool starts = key is null && e.Kind is ChannelEventKind.Create or ChannelEventKind.ChannelData
            && (!IsPartOfAnotherCall(e) || e.BitrixCallId is not null);
        key ??= starts ? uuid : null;
        if (key is null)
        {
            // A leg already up when we connected: its call is reconciled elsewhere, not rebuilt from a middle.
            return (this, null);
        }

        // Only a leg's creation makes it part of a call: other events of a leg never seen created (pickup's placeholder
        // channel, which has no CHANNEL_CREATE) reach the call, which ignores legs it does not have.
        if (!(e.Kind is ChannelEventKind.Create or ChannelEventKind.ChannelData))
        {
            return (this, key);
        }

        CallRouter next = this with { CallOfLeg = CallOfLeg.Add(uuid, key) };
        return (starts && e.BitrixCallId is { } callId
            ? next with { CallOfBitrixCallId = CallOfBitrixCallId.SetItem(callId, key) }
            : next, key);
    }

    private string? Linked(ChannelEvent e) =>
        (e.Originator is { } o ? CallOfLeg.GetValueOrDefault(o) : null)
        ?? (e.OtherLegUniqueId is { } other ? CallOfLeg.GetValueOrDefault(other) : null)
        ?? (e.CcMemberSessionUuid is { } member ? CallOfLeg.GetValueOrDefault(member) : null)
        ?? (e.OtherLoopbackLegUuid is { } half ? CallOfLeg.GetValueOrDefault(half) : null)
        ?? (e.OtherLoopbackFromUuid is { } from ? CallOfLeg.GetValueOrDefault(from) : null)
        ?? (e.BitrixCallId is { } callId ? CallOfBitrixCallId.GetValueOrDefault(callId) : null);

    /// <summary>
    /// A leg that names the call it serves but whose call we do not follow (it began before we connected): a queue's
    /// agent leg or a loopback half is never a call of its own (the loopback's B half looks exactly like a new
    /// inbound call from the client), so it is not followed at all.
    /// </summary>
    public static bool IsPartOfAnotherCall(ChannelEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return e.CcMemberSessionUuid is not null || e.LoopbackLeg is not null;
    }

    // The CALL_ID stays joinable while its call has a leg up; a leg seen after that starts a call of its own.
    private CallRouter WithoutLeg(string uuid, string callKey)
    {
        CallRouter next = this with { CallOfLeg = CallOfLeg.Remove(uuid) };
        return CallOfBitrixCallId.IsEmpty || next.CallOfLeg.ContainsValue(callKey) ? next : next.WithoutCallIdsOf([callKey]);
    }

    private CallRouter WithoutCallIdsOf(IReadOnlyCollection<string> callKeys)
    {
        string[] ids = CallOfBitrixCallId.Where(kv => callKeys.Contains(kv.Value)).Select(kv => kv.Key).ToArray();
        return ids.Length == 0 ? this : this with { CallOfBitrixCallId = CallOfBitrixCallId.RemoveRange(ids) };
    }
}
