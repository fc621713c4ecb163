using FsBitrix.Simulator.Switch;

namespace FsBitrix.Simulator.Flows;

// Follow-me as s24 shows it: the caller's bridge dials [dialed_extension=…,presence_id=…]loopback/<mobile>/followme.
// mod_loopback makes two halves: A (dialled by the caller) and B (an inbound leg that looks like a new call from the
// client), and B bridges the gateway leg to the mobile. Ringing, answer, hangup and the end of the A half carry the B
// half and the mobile's leg along. Two seconds after the answer the loopback bows out and the caller is bridged to
// the mobile's leg directly.
internal sealed partial class CallRun
{
    private static readonly TimeSpan LoopbackBowOut = TimeSpan.FromSeconds(2);

    private readonly Dictionary<Leg, FollowMeLegs> _followMe = [];

    /// <summary>What hangs behind a loopback's A half: its B half and the leg to the mobile.</summary>
    private sealed record FollowMeLegs(Leg B, Leg Gateway);

    private Leg DialFollowMe(Leg caller, string mobile, string owner)
    {
        string domain = _script.Domain ?? "default";
        string aUuid = Guid.NewGuid().ToString();
        string bUuid = Guid.NewGuid().ToString();
        KeyValuePair<string, string>[] employee = [new("dialed_extension", owner), new("presence_id", $"{owner}@{domain}")];
        Leg a = OutboundLeg(caller, aUuid, caller.CallerIdNumber, caller.CallerIdName, mobile,
            [.. employee, new("loopback_leg", "A"), new("other_loopback_leg_uuid", bUuid)], $"loopback/{mobile}-a");

        Leg b = _switch.AddLeg(bUuid, $"loopback/{mobile}-b", inbound: true, Now);
        b.CallerIdName = b.CallerIdNumber = b.OrigCallerIdName = b.OrigCallerIdNumber = caller.CallerIdNumber;
        b.DestinationNumber = mobile;
        b.CalleeIdName = b.CalleeIdNumber = "followme";
        b.Context = "followme";
        b.Source = "mod_loopback";
        foreach (KeyValuePair<string, string> v in (KeyValuePair<string, string>[])[.. employee, new("loopback_leg", "B"),
            new("other_loopback_leg_uuid", aUuid), new("other_loopback_from_uuid", caller.Uuid), new("uuid", bUuid), new("call_uuid", bUuid)])
        {
            b.Variables[v.Key] = v.Value;
        }

        Own(b);
        SetState(b, "CS_INIT");
        Fire("CHANNEL_CREATE", b);
        SetState(b, "CS_ROUTING");
        SetState(b, "CS_EXECUTE");

        Leg gateway = OutboundLeg(b, Guid.NewGuid().ToString(), caller.CallerIdNumber, caller.CallerIdName, mobile, []);
        _followMe[a] = new FollowMeLegs(b, gateway);
        return a;
    }

    /// <summary>mod_loopback's bow-out: both halves go, and the caller is bridged to the mobile's leg itself.</summary>
    private Leg BowOut(Leg caller, Leg half)
    {
        if (!_followMe.Remove(half, out FollowMeLegs? far))
        {
            return half;
        }

        Hangup(half, "NORMAL_CLEARING", "send_bye");
        Hangup(far.B, "NORMAL_CLEARING", "send_bye");
        caller.Other = far.Gateway;
        Unbridge(caller, far.Gateway, keepOther: true);
        Complete(half);
        Unbridge(far.B, far.Gateway, keepOther: true);
        Complete(far.B);
        Destroy(far.B);
        Destroy(half);
        Tick();
        far.Gateway.Other = caller;
        far.Gateway.OtherType = "originator";
        Bridge(caller, far.Gateway);
        return far.Gateway;
    }
}
