using FsBitrix.Simulator.Switch;

namespace FsBitrix.Simulator.Flows;

// Dialplan calls (inbound to a DID, outbound from an extension): set variables, early media, record_session,
// then one bridge through the ring groups, as the public/default dialplans of the captures do.
internal sealed partial class CallRun
{
    private string _bridgeApp = string.Empty;
    private string _bridgeData = string.Empty;
    private string? _recording;
    private Leg? _earlyMediaOnRing;

    private async Task PlayBridgeAsync(CancellationToken ct)
    {
        bool inbound = _script.Kind == FlowKind.Inbound;
        Leg a = inbound
            ? InboundLeg(_script.From, _script.To, "public", $"sofia/external/{_script.From}@127.0.0.1")
            : InboundLeg(_script.From, _script.To, "default", $"sofia/internal/{_script.From}@127.0.0.1");
        if (inbound)
        {
            Set(a, "fsbitrix_did", _script.To);
        }

        if (_script.Domain is { } domain)
        {
            Set(a, "domain_name", domain);
        }

        if (_script.Queue is { } queue)
        {
            Set(a, "fsbitrix_queue", queue);
        }

        Set(a, "hangup_after_bridge", "true");
        if (_script.Callcenter is { } callcenter)
        {
            await PlayCallcenterAsync(a, callcenter, ct).ConfigureAwait(false);
            return;
        }

        Set(a, "continue_on_fail", "true");
        if (_script.Greeting is { } greeting)
        {
            // An IVR answers first and plays its greeting; the phones ring only after it.
            Execute(a, "answer", string.Empty, () => Answer(a));
            if (_script.Record)
            {
                StartRecording(a);
            }

            Execute(a, "playback", "ivr/ivr-welcome.wav");
            await WaitAsync(greeting, ct).ConfigureAwait(false);
        }
        else if (_script.Record)
        {
            // record_session needs media: the caller gets early media (183) at once.
            EarlyMedia(a);
            StartRecording(a);
        }
        else
        {
            // Without a recording the caller's early media is the ringback, once a phone rings (s22).
            _earlyMediaOnRing = a;
        }

        StartBridge(a, DialString(_script.Rings));
        foreach (RingGroup group in _script.Rings)
        {
            RingOutcome r = await RingAsync(a, group, p => DialFrom(a, p), ct).ConfigureAwait(false);
            if (r.CallerGoneCause is { } gone)
            {
                CallerGaveUp(a, r, gone);
                return;
            }

            if (r.Winner is { } agent)
            {
                Connect(a, agent, r.Ended);
                await TalkAsync(a, agent, ct).ConfigureAwait(false);
                return;
            }

            if (group == _script.Rings[^1] && _script.Voicemail is { } message)
            {
                await LeaveVoicemailAsync(a, r.Ended, message, ct).ConfigureAwait(false);
            }
            else if (group == _script.Rings[^1])
            {
                FailCall(a, r.FailCause, r.Ended);
            }
            else
            {
                CompleteAll(r.Ended);
            }
        }
    }

    /// <summary>A dialled leg: an agent's phone (inbound) or the client's number through the gateway (outbound).</summary>
    private Leg DialFrom(Leg a, Phone phone)
    {
        if (phone.FollowMeOf is { } owner)
        {
            return DialFollowMe(a, phone.Number, owner);
        }

        bool viaGateway = _script.Kind == FlowKind.Outbound;
        string callerNumber = viaGateway ? _options.OutboundCallerId : a.CallerIdNumber;
        if (!viaGateway && _script.Domain is { } domain)
        {
            // The user/ endpoint marks the calling leg with the last directory user it dialled (s22, s25).
            a.Variables["dialed_user"] = phone.Number;
            a.Variables["dialed_domain"] = domain;
            a.CalleeIdName ??= phone.Number;
            a.CalleeIdNumber ??= phone.Number;
        }

        return OutboundLeg(a, Guid.NewGuid().ToString(), callerNumber, viaGateway ? "Outbound Call" : a.CallerIdName, phone.Number,
            viaGateway ? [] : DirectoryUser(phone.Number));
    }

    /// <summary>What the <c>user/</c> endpoint sets on a leg it dials, when the script names the tenant.</summary>
    private IEnumerable<KeyValuePair<string, string>> DirectoryUser(string extension) => _script.Domain is { } domain
        ? [new("dialed_user", extension), new("dialed_domain", domain), new("presence_id", $"{extension}@{domain}")]
        : [];

    /// <summary>The answered leg is bridged to the caller's leg; the losers of a ring-all end after the bridge.</summary>
    private void Connect(Leg a, Leg b, List<Leg> losers)
    {
        Tick();
        a.CalleeIdName = "Outbound Call";
        a.CalleeIdNumber = b.DestinationNumber;
        if (a.Answered is null)
        {
            Answer(a);
        }
        else
        {
            SetCallState(a, "ACTIVE");
        }

        // A loopback's caller is bridged only after the losers are gone (s24); a phone's before (s2).
        if (_followMe.ContainsKey(b))
        {
            CompleteAll(losers);
            Bridge(a, b);
            return;
        }

        Bridge(a, b);
        CompleteAll(losers);
    }

    private void CallerGaveUp(Leg a, RingOutcome r, string cause)
    {
        Tick();
        if (cause == "ORIGINATOR_CANCEL" && a.Answered is not null)
        {
            // Answered by an IVR or a queue, the caller leaves with a BYE, not a CANCEL.
            Hangup(a, "NORMAL_CLEARING", "recv_bye", "200");
        }
        else if (cause == "ORIGINATOR_CANCEL")
        {
            Hangup(a, cause, "recv_cancel", "487");
        }
        else
        {
            Hangup(a, cause, "send_bye");
        }

        foreach (Leg leg in r.StillRinging)
        {
            Hangup(leg, "ORIGINATOR_CANCEL", "send_cancel", null, "487");
        }

        ExecuteComplete(a, "bridge", _bridgeData, _bridgeApp);
        CompleteAll(r.Ended.Concat(r.StillRinging));
        EndFirstLeg(a);
    }

    /// <summary>
    /// Nobody answered: the dialplan ends with <c>hangup(cause)</c> and the caller hears the refusal. A phone that
    /// refused is gone before that (s5); legs cancelled on timeout finish reporting after it (s8).
    /// </summary>
    private void FailCall(Leg a, string cause, List<Leg> dialled)
    {
        bool timedOut = cause is "NO_ANSWER" or "ALLOTTED_TIMEOUT";
        if (!timedOut)
        {
            CompleteAll(dialled);
        }

        ExecuteComplete(a, "bridge", _bridgeData, _bridgeApp);
        Execute(a, "hangup", cause, () => Hangup(a, cause, "send_refuse"));
        if (timedOut)
        {
            CompleteAll(dialled);
        }

        EndFirstLeg(a);
    }

    private void EndFirstLeg(Leg a)
    {
        StopRecording(a);
        CompleteAndDestroy(a);
    }

    private void Set(Leg leg, string name, string value) =>
        Execute(leg, "set", $"{name}={value}", () => leg.Variables[name] = value);

    private void StartBridge(Leg a, string data)
    {
        _bridgeData = data;
        ExecuteStart(a, "bridge", data, out _bridgeApp);
    }

    // Phones of a group ring together (","), groups one after another ("|"), with [leg_timeout=N] where set.
    private static string DialString(IEnumerable<RingGroup> groups) => string.Join("|", groups.Select(g =>
        string.Join(",", g.Phones.Select(p =>
            (g.LegTimeout is { } t ? $"[leg_timeout={(int)t.TotalSeconds}]" : string.Empty) + ChannelName(p.Number)))));
}
