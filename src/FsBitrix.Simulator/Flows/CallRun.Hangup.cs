using System.Globalization;
using FsBitrix.Simulator.Switch;

namespace FsBitrix.Simulator.Flows;

// The end of a leg: CHANNEL_HANGUP (cause, no CDR variables yet), CHANNEL_HANGUP_COMPLETE (the CDR), CHANNEL_DESTROY.
internal sealed partial class CallRun
{
    /// <param name="disposition">variable_sip_hangup_disposition: send_bye, recv_bye, send_cancel, recv_cancel, send_refuse, recv_refuse.</param>
    /// <param name="termStatus">variable_sip_term_status: set only when the switch received the final status.</param>
    private void Hangup(Leg leg, string cause, string disposition, string? termStatus = null, string? inviteFailure = null)
    {
        leg.HangupCause = cause;
        leg.HungUp = Now;
        leg.AnswerState = "hangup";
        leg.Variables["sip_hangup_disposition"] = disposition;
        if (termStatus is not null)
        {
            leg.Variables["sip_term_status"] = termStatus;
            leg.Variables["proto_specific_hangup_cause"] = "sip:" + termStatus;
            leg.Variables["sip_term_cause"] = Q850(cause).ToString(CultureInfo.InvariantCulture);
        }

        if (inviteFailure is not null)
        {
            leg.Variables["sip_invite_failure_status"] = inviteFailure;
            leg.Variables["sip_invite_failure_phrase"] = inviteFailure == "487" ? "CANCEL" : cause;
        }

        Fire("CHANNEL_HANGUP", leg);
        SetState(leg, "CS_HANGUP");
        SetCallState(leg, "HANGUP");
        if (_followMe.TryGetValue(leg, out FollowMeLegs? far))
        {
            // The loopback's B half and the mobile go with the A half (cancelled if still ringing).
            Hangup(far.B, "NORMAL_CLEARING", "send_bye");
            Hangup(far.Gateway, far.Gateway.Answered is null ? "ORIGINATOR_CANCEL" : "NORMAL_CLEARING",
                far.Gateway.Answered is null ? "send_cancel" : "send_bye", null, far.Gateway.Answered is null ? "487" : null);
        }
    }

    /// <summary>The CDR: every timing variable, and Hangup-Cause twice (before and inside the channel data).</summary>
    private void Complete(Leg leg)
    {
        SetCdrVariables(leg);
        SetState(leg, "CS_REPORTING");
        Fire("CHANNEL_HANGUP_COMPLETE", leg, [("Hangup-Cause", leg.HangupCause ?? "NORMAL_CLEARING")]);
        if (_followMe.TryGetValue(leg, out FollowMeLegs? far))
        {
            Complete(far.B);
            Complete(far.Gateway);
        }
    }

    private void Destroy(Leg leg)
    {
        Fire("CHANNEL_DESTROY", leg);
        SetState(leg, "CS_DESTROY");
        leg.Control = null;
        _switch.RemoveLeg(leg);
        if (_followMe.Remove(leg, out FollowMeLegs? far))
        {
            Destroy(far.B);
            Destroy(far.Gateway);
        }
    }

    private void CompleteAndDestroy(Leg leg)
    {
        Complete(leg);
        Destroy(leg);
    }

    private static void SetCdrVariables(Leg leg)
    {
        ChannelVariables v = leg.Variables;
        DateTimeOffset end = leg.HungUp ?? leg.Created;
        v["hangup_cause"] = leg.HangupCause;
        v["hangup_cause_q850"] = Q850(leg.HangupCause).ToString(CultureInfo.InvariantCulture);
        v["digits_dialed"] = "none";
        Stamps(v, "start", leg.Created);
        Stamps(v, "profile_start", leg.Created);
        Stamps(v, "answer", leg.Answered);
        Stamps(v, "bridge", leg.Bridged);
        Stamps(v, "progress", leg.Progress);
        Stamps(v, "progress_media", leg.ProgressMedia);
        Stamps(v, "end", end);
        v["caller_id"] = $"\"{leg.CallerIdName}\" <{leg.CallerIdNumber}>";
        long total = Micros(end - leg.Created);
        long bill = leg.Answered is { } a ? Micros(end - a) : 0;
        long progress = leg.Progress is { } p ? Micros(p - leg.Created) : 0;
        long answer = leg.Answered is { } an ? Micros(an - leg.Created) : 0;
        Durations(v, "duration", "mduration", "uduration", total);
        Durations(v, "billsec", "billmsec", "billusec", bill);
        Durations(v, "progresssec", "progressmsec", "progressusec", progress);
        Durations(v, "answersec", "answermsec", "answerusec", answer);
        Durations(v, "waitsec", "waitmsec", "waitusec", answer);
        Durations(v, "flow_billsec", "flow_billmsec", "flow_billusec", total);
    }

    private static void Stamps(ChannelVariables v, string name, DateTimeOffset? at)
    {
        if (at is { } t)
        {
            v[name + "_stamp"] = t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
        }

        string us = EventFactory.Micros(at);
        v[name + "_epoch"] = at is null ? "0" : us[..^6];
        v[name + "_uepoch"] = us;
    }

    private static void Durations(ChannelVariables v, string sec, string msec, string usec, long micros)
    {
        v[sec] = (micros / 1_000_000).ToString(CultureInfo.InvariantCulture);
        v[msec] = (micros / 1_000).ToString(CultureInfo.InvariantCulture);
        v[usec] = micros.ToString(CultureInfo.InvariantCulture);
    }

    private static long Micros(TimeSpan span) => Math.Max(0, span.Ticks / 10);

    // switch_channel_cause_q850: causes above 127 are FreeSWITCH's own and report as 16.
    private static int Q850(string? cause) => cause switch
    {
        "USER_BUSY" => 17,
        "NO_USER_RESPONSE" => 18,
        "NO_ANSWER" => 19,
        "CALL_REJECTED" => 21,
        _ => 16,
    };
}
