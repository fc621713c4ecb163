using System.Globalization;
using FsBitrix.Simulator.Switch;

namespace FsBitrix.Simulator.Flows;

// The conversation: talk, optional blind transfer, interventions from ESL clients, and the hangup.
internal sealed partial class CallRun
{
    private async Task TalkAsync(Leg a, Leg b, CancellationToken ct)
    {
        BlindTransfer? scripted = _script.Transfer;
        TimeSpan until = _offset + (scripted?.After ?? _script.Talk);
        if (_followMe.ContainsKey(b) && until - _offset > LoopbackBowOut)
        {
            await WaitAsync(LoopbackBowOut, ct).ConfigureAwait(false);
            b = BowOut(a, b);
        }

        while (true)
        {
            Intervention? iv = await WaitAsync(until - _offset, ct).ConfigureAwait(false);
            switch (iv)
            {
                case null when scripted is not null:
                    FireApi("uuid_transfer", $"{b.Uuid} -bleg {scripted.To.Number} XML default", Now);
                    b = await TransferAsync(a, b, scripted.To, "default", ct).ConfigureAwait(false) ?? a;
                    scripted = null;
                    until = _offset + _script.Talk;
                    break;
                case null:
                    HangUpBridged(a, b, _script.HangsUp == Side.Caller, "NORMAL_CLEARING");
                    return;
                case KillLeg kill when kill.Uuid == a.Uuid || kill.Uuid == b.Uuid:
                    HangUpBridged(a, b, kill.Uuid == a.Uuid, kill.Cause);
                    return;
                case TransferLeg t when (t.Uuid == b.Uuid && t.BLeg) || (t.Uuid == a.Uuid && !t.BLeg):
                    b = await TransferAsync(a, b, _options.PhoneFor(t.Destination, _options.DefaultRep), t.Context, ct).ConfigureAwait(false) ?? a;
                    until = _offset + _options.DefaultTalk;
                    break;
            }

            if (b == a)
            {
                return; // the transfer target never answered: the call ended inside TransferAsync
            }
        }
    }

    /// <summary>
    /// <c>uuid_transfer &lt;agent&gt; -bleg &lt;ext&gt;</c> as s6 shows it: the agent's leg ends, the customer's leg
    /// (same UUID) unbridges without Other-Leg headers, runs the extension in the new context and bridges to it.
    /// </summary>
    private async Task<Leg?> TransferAsync(Leg a, Leg b, Phone target, string context, CancellationToken ct)
    {
        Tick();
        Hangup(b, "NORMAL_CLEARING", "send_bye");
        a.Transferred = Now;
        a.DestinationNumber = target.Number;
        a.Context = context;
        string history = $"{EventFactory.Micros(Now)[..^6]}:{b.Uuid}:bl_xfer:{target.Number}/{context}/XML";
        a.Variables["transfer_history"] = history;
        a.Variables["transfer_source"] = history;
        Unbridge(a, b, keepOther: false);
        ExecuteComplete(a, "bridge", _bridgeData, _bridgeApp);
        SetCallState(a, "RINGING");
        SetState(a, "CS_ROUTING");
        CompleteAndDestroy(b);
        SetCallState(a, "ACTIVE");
        SetState(a, "CS_EXECUTE");
        Set(a, "hangup_after_bridge", "true");
        StartBridge(a, ChannelName(target.Number));
        SetCallState(a, "RING_WAIT");
        RingOutcome r = await RingAsync(a, RingGroup.Of(target), p => DialFrom(a, p), ct).ConfigureAwait(false);
        if (r.Winner is { } agent)
        {
            Connect(a, agent, r.Ended);
            return agent;
        }

        if (r.CallerGoneCause is { } gone)
        {
            CallerGaveUp(a, r, gone);
            return null;
        }

        CompleteAll(r.Ended);
        ExecuteComplete(a, "bridge", _bridgeData, _bridgeApp);
        Hangup(a, "NORMAL_CLEARING", "send_bye");
        EndFirstLeg(a);
        return null;
    }

    /// <summary>One side hangs up; the other follows (hangup_after_bridge), each in the order of the captures.</summary>
    private void HangUpBridged(Leg a, Leg b, bool callerFirst, string cause)
    {
        if (callerFirst)
        {
            Hangup(a, cause, "recv_bye", "200");
            Tick();
            Hangup(b, "NORMAL_CLEARING", "send_bye");
            Complete(b);
            Unbridge(a, b, keepOther: true);
            ExecuteComplete(a, "bridge", _bridgeData, _bridgeApp);
        }
        else
        {
            Hangup(b, cause, "recv_bye", "200");
            Complete(b);
            Unbridge(a, b, keepOther: true);
            Hangup(a, "NORMAL_CLEARING", "send_bye");
            ExecuteComplete(a, "bridge", _bridgeData, _bridgeApp);
        }

        // The captures show the dialled leg destroyed before the caller's (s1, s2), but after the rep's in s12.
        bool originated = _script.Kind == FlowKind.ClickToCall;
        if (!originated)
        {
            Destroy(b);
        }

        EndFirstLeg(a);
        if (originated)
        {
            Destroy(b);
        }
    }

    private void FireApi(string command, string argument, DateTimeOffset at) =>
        _switch.FireGlobal("API", at, [("API-Command", command), ("API-Command-Argument", argument)]);

    private void StartRecording(Leg a)
    {
        string folder = _options.RecordingsPath ?? "/var/lib/freeswitch/recordings";
        _recording = Path.Combine(folder, a.Uuid + ".wav");
        Execute(a, "record_session", _recording, () => Fire("RECORD_START", a, last: [("Record-File-Path", _recording)]));
    }

    private void StopRecording(Leg a)
    {
        if (_recording is null)
        {
            return;
        }

        TimeSpan length = Now - (a.ProgressMedia ?? a.Created);
        a.Variables["record_seconds"] = ((long)length.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        a.Variables["record_ms"] = ((long)length.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
        a.Variables["record_completion_cause"] = "success-silence";
        if (_options.RecordingsPath is not null)
        {
            WavFile.WriteTone(_recording, TimeSpan.FromSeconds(1));
        }

        Fire("RECORD_STOP", a, last: [("Record-File-Path", _recording), ("Record-Completion-Cause", "success-silence")]);
    }
}
