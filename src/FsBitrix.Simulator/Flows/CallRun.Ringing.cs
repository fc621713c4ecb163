using FsBitrix.Simulator.Switch;

namespace FsBitrix.Simulator.Flows;

// Dialling a group of phones and waiting for the first of: an answer, every phone failing, the group's timeout,
// the caller giving up, or an ESL client killing a leg.
internal sealed partial class CallRun
{
    /// <param name="Ended">Dialled legs that hung up (busy, rejected, timed out, lost the race): not completed yet.</param>
    /// <param name="StillRinging">Legs ringing when the caller went away.</param>
    /// <param name="CallerGoneCause">Set when the caller hung up (or was killed) while the phones rang.</param>
    private sealed record RingOutcome(Leg? Winner, List<Leg> Ended, List<Leg> StillRinging, string FailCause, string? CallerGoneCause);

    private async Task<RingOutcome> RingAsync(Leg? caller, RingGroup group, Func<Phone, Leg> dial, CancellationToken ct)
    {
        TimeSpan started = _offset;
        var dialled = group.Phones.Select(p => (Phone: p, Leg: dial(p))).ToList();
        var ringing = dialled.Where(d => d.Phone.Action != PhoneAction.Busy).ToList();
        var ended = new List<Leg>();
        string failCause = "NO_ANSWER";
        // A loopback's far leg (the mobile) reports its ringing first, then the phones and the loopback halves (s24).
        foreach ((Phone _, Leg leg) in ringing)
        {
            if (_followMe.TryGetValue(leg, out FollowMeLegs? far))
            {
                Ringing(far.Gateway);
            }
        }

        foreach ((Phone _, Leg leg) in ringing)
        {
            Ringing(leg);
        }

        foreach ((Phone _, Leg leg) in dialled.Where(d => d.Phone.Action == PhoneAction.Busy))
        {
            Tick();
            Hangup(leg, "USER_BUSY", "recv_refuse", "486", "486");
            ended.Add(leg);
            failCause = "USER_BUSY";
        }

        TimeSpan deadline = started + (group.LegTimeout ?? group.Timeout ?? _script.CallTimeout);
        TimeSpan giveUp = caller is not null && _script.Kind != FlowKind.ClickToCall && _script.CallerGivesUpAfter is { } g
            ? g
            : TimeSpan.MaxValue;
        while (ringing.Count > 0)
        {
            TimeSpan phoneAt = ringing.Where(r => r.Phone.Action is PhoneAction.Answers or PhoneAction.Rejects)
                .Select(r => started + r.Phone.RingTime).DefaultIfEmpty(TimeSpan.MaxValue).Min();
            TimeSpan next = new[] { phoneAt, deadline, giveUp }.Min();
            Intervention? iv = await WaitAsync(next - _offset, ct).ConfigureAwait(false);
            if (iv is KillLeg kill)
            {
                if (kill.Uuid == caller?.Uuid)
                {
                    return new RingOutcome(null, ended, [.. ringing.Select(r => r.Leg)], failCause, kill.Cause);
                }

                int i = ringing.FindIndex(r => r.Leg.Uuid == kill.Uuid);
                if (i >= 0)
                {
                    Hangup(ringing[i].Leg, kill.Cause, "send_cancel", null, "487");
                    ended.Add(ringing[i].Leg);
                    ringing.RemoveAt(i);
                    failCause = kill.Cause;
                }

                continue;
            }

            if (iv is not null)
            {
                continue; // a transfer while phones ring is not simulated: FreeSWITCH would have answered +OK too
            }

            if (_offset >= giveUp)
            {
                return new RingOutcome(null, ended, [.. ringing.Select(r => r.Leg)], failCause, "ORIGINATOR_CANCEL");
            }

            if (_offset >= phoneAt)
            {
                (Phone phone, Leg leg) = ringing.First(r => r.Phone.Action is PhoneAction.Answers or PhoneAction.Rejects
                    && started + r.Phone.RingTime <= _offset);
                ringing.RemoveAll(r => r.Leg == leg);
                if (phone.Action == PhoneAction.Answers)
                {
                    Answer(leg);
                    foreach ((Phone _, Leg loser) in ringing)
                    {
                        loser.Variables["call_completed_elsewhere"] = "true";
                        Hangup(loser, "LOSE_RACE", "send_cancel", null, "487");
                        ended.Add(loser);
                    }

                    return new RingOutcome(leg, ended, [], failCause, null);
                }

                Hangup(leg, "CALL_REJECTED", "recv_refuse", "603", "603");
                ended.Add(leg);
                failCause = "CALL_REJECTED";
                continue;
            }

            // The group's time is up: leg_timeout reports ALLOTTED_TIMEOUT, the call/originate timeout NO_ANSWER.
            failCause = group.LegTimeout is null ? "NO_ANSWER" : "ALLOTTED_TIMEOUT";
            foreach ((Phone _, Leg leg) in ringing)
            {
                Hangup(leg, failCause, "send_cancel", null, "487");
                ended.Add(leg);
            }

            ringing.Clear();
        }

        return new RingOutcome(null, ended, [], failCause, null);
    }

    private void CompleteAll(IEnumerable<Leg> legs)
    {
        foreach (Leg leg in legs)
        {
            CompleteAndDestroy(leg);
        }
    }
}
