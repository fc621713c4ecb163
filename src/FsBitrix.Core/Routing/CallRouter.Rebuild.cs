using System.Collections.Immutable;
using FsBitrix.Core.Calls;

namespace FsBitrix.Core.Routing;

// The router's map is derived data: every leg not ended of every call not over, to its call. So it is never
// stored; it is rebuilt from the stored call states, and trimmed when calls end without their hangups.
public sealed partial record CallRouter
{
    /// <summary>The router of these calls, as routing their events so far would have left it (after a restart).</summary>
    public static CallRouter Rebuild(IEnumerable<CallState> calls)
    {
        ArgumentNullException.ThrowIfNull(calls);
        ImmutableDictionary<string, string>.Builder map = Empty.CallOfLeg.ToBuilder();
        ImmutableDictionary<string, string>.Builder callIds = Empty.CallOfBitrixCallId.ToBuilder();
        foreach (CallState call in calls)
        {
            foreach (LegState leg in call.Legs.Where(l => !l.Ended))
            {
                map[leg.Uuid] = call.CallKey;
                if (call.Kind == CallKind.ClickToCall && call.BitrixCallId is { } callId)
                {
                    callIds[callId] = call.CallKey;
                }
            }
        }

        return new CallRouter(map.ToImmutable()) { CallOfBitrixCallId = callIds.ToImmutable() };
    }

    /// <summary>
    /// Routes the live legs of a call the service learnt of without seeing its legs created (a click-to-call whose
    /// originate was under way when the service stopped) to that call from now on.
    /// </summary>
    public CallRouter Adopt(CallState call)
    {
        ArgumentNullException.ThrowIfNull(call);
        CallRouter adopted = Rebuild([call]);
        return this with
        {
            CallOfLeg = CallOfLeg.SetItems(adopted.CallOfLeg),
            CallOfBitrixCallId = CallOfBitrixCallId.SetItems(adopted.CallOfBitrixCallId),
        };
    }

    /// <summary>After a gap: forgets every leg FreeSWITCH no longer has (their hangups will never come).</summary>
    public CallRouter KeepOnly(IReadOnlySet<string> liveChannelUuids)
    {
        ArgumentNullException.ThrowIfNull(liveChannelUuids);
        string[] gone = CallOfLeg.Keys.Where(uuid => !liveChannelUuids.Contains(uuid)).ToArray();
        if (gone.Length == 0)
        {
            return this;
        }

        CallRouter next = this with { CallOfLeg = CallOfLeg.RemoveRange(gone) };
        return next.WithoutCallIdsOf(CallOfBitrixCallId.Values.Where(k => !next.CallOfLeg.ContainsValue(k)).ToHashSet(StringComparer.Ordinal));
    }

    /// <summary>Forgets every leg of a call ended without their hangups (an expired idle call).</summary>
    public CallRouter Forget(string callKey)
    {
        ArgumentNullException.ThrowIfNull(callKey);
        string[] legs = CallOfLeg.Where(kv => kv.Value == callKey).Select(kv => kv.Key).ToArray();
        CallRouter next = legs.Length == 0 ? this : this with { CallOfLeg = CallOfLeg.RemoveRange(legs) };
        return next.WithoutCallIdsOf([callKey]);
    }
}
