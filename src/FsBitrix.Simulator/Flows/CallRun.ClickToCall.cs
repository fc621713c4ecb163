using FsBitrix.Simulator.Switch;

namespace FsBitrix.Simulator.Flows;

/// <summary>The bgapi that started a click-to-call: its BACKGROUND_JOB answers when the rep's leg is answered or fails.</summary>
internal sealed record OriginateJob(string JobUuid, string Argument);

// Click-to-call as s12/s13 show it: the rep's leg is the A-leg (outbound, no originator); when it answers the
// job reports +OK <uuid>, then &bridge dials the client; when it does not, the job reports -ERR <cause>.
internal sealed partial class CallRun
{
    private async Task PlayClickToCallAsync(OriginateJob? job, CancellationToken ct)
    {
        DateTimeOffset started = Now;
        job ??= new OriginateJob(Guid.NewGuid().ToString(), ComposeOriginate());
        string repUuid = _script.FirstLegUuid ?? Guid.NewGuid().ToString();
        string shownName = _script.OriginateVariables.FirstOrDefault(v => v.Key == "origination_caller_id_name").Value ?? _script.From;
        var vars = _script.OriginateVariables.Where(v => v.Key != "origination_uuid").Prepend(new("origination_uuid", repUuid)).ToList();
        RingGroup repGroup = _script.Rings[0];
        RingOutcome r = await RingAsync(null, repGroup,
            p => OutboundLeg(null, repUuid, _script.From, shownName, p.Number, vars), ct).ConfigureAwait(false);
        if (r.Winner is not { } rep)
        {
            FireJob(job, started, $"-ERR {r.FailCause}\n");
            CompleteAll(r.Ended);
            return;
        }

        // Once answered, FreeSWITCH flips the rep leg's caller profile: the caller is now the rep's extension.
        Tick();
        rep.CallerIdNumber = rep.DestinationNumber;
        rep.CallerIdName = "Outbound Call";
        Fire("CALL_UPDATE", rep, [("Direction", "RECV")]);
        FireJob(job, started, $"+OK {rep.Uuid}\n");
        if (_script.Rings.Count < 2)
        {
            return; // &park() and the like: the rep's leg stays up until an ESL client ends it
        }

        SetState(rep, "CS_EXECUTE");
        string presented = _script.PresentedNumber ?? _options.OutboundCallerId;
        StartBridge(rep, $"{{origination_caller_id_number={presented}}}{ChannelName(_script.To)}");
        SetCallState(rep, "RING_WAIT");
        RingOutcome c = await RingAsync(rep, _script.Rings[1],
            p => OutboundLeg(rep, Guid.NewGuid().ToString(), presented, "Outbound Call", p.Number, []), ct).ConfigureAwait(false);
        if (c.Winner is { } client)
        {
            Connect(rep, client, c.Ended);
            await TalkAsync(rep, client, ct).ConfigureAwait(false);
            return;
        }

        foreach (Leg leg in c.StillRinging)
        {
            Hangup(leg, "ORIGINATOR_CANCEL", "send_cancel", null, "487");
        }

        CompleteAll(c.Ended.Concat(c.StillRinging));
        ExecuteComplete(rep, "bridge", _bridgeData, _bridgeApp);
        if (rep.HangupCause is null)
        {
            Hangup(rep, c.CallerGoneCause ?? "NORMAL_CLEARING", "send_bye");
        }

        CompleteAndDestroy(rep);
    }

    /// <summary>The API event carries the time the originate started; it is fired when it returns, with the job.</summary>
    private void FireJob(OriginateJob job, DateTimeOffset started, string result)
    {
        FireApi("originate", job.Argument, started);
        _switch.FireGlobal("BACKGROUND_JOB", Now,
            [("Job-UUID", job.JobUuid), ("Job-Command", "originate"), ("Job-Command-Arg", job.Argument)], result);
    }

    private string ComposeOriginate()
    {
        string vars = string.Join(",", _script.OriginateVariables.Select(v => $"{v.Key}={v.Value}"));
        return $"{{{vars}}}user/{_script.Rings[0].Phones[0].Number} &bridge({{origination_caller_id_number={_script.PresentedNumber ?? _options.OutboundCallerId}}}sofia/gateway/pstn/{_script.To})";
    }

    /// <summary>Plays a click-to-call started by a client's bgapi originate.</summary>
    public Task PlayOriginateAsync(OriginateJob job, CancellationToken ct) => PlayClickToCallAsync(job, ct);
}
