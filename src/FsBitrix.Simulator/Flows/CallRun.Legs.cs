using System.Globalization;
using FsBitrix.Simulator.Switch;

namespace FsBitrix.Simulator.Flows;

// Creating legs and moving them through FreeSWITCH's states, one event at a time.
internal sealed partial class CallRun
{
    private static readonly string[] CallStates = ["DOWN", "DIALING", "RINGING", "EARLY", "ACTIVE", "HELD", "RING_WAIT", "HANGUP", "UNHELD"];

    /// <summary>A call arriving at the switch (a customer from the PSTN, a phone dialling out).</summary>
    private Leg InboundLeg(string caller, string destination, string context, string channelName)
    {
        Leg leg = _switch.AddLeg(Guid.NewGuid().ToString(), channelName, inbound: true, Now);
        leg.CallerIdName = leg.CallerIdNumber = leg.OrigCallerIdName = leg.OrigCallerIdNumber = leg.Username = caller;
        leg.DestinationNumber = destination;
        leg.Context = context;
        leg.HasMedia = true;
        Templates.ApplyVariables(leg, "inbound", Placeholders(leg, caller, destination, null));
        Own(leg);
        leg.HasProfile = false;
        Fire("CHANNEL_STATE", leg);
        leg.HasProfile = true;
        SetState(leg, "CS_INIT");
        Fire("CHANNEL_CREATE", leg);
        SetCallState(leg, "RINGING");
        SetState(leg, "CS_ROUTING");
        SetState(leg, "CS_EXECUTE");
        return leg;
    }

    /// <summary>A leg the switch dials; <paramref name="originator"/> is the leg that dialled it (none for an originate).</summary>
    private Leg OutboundLeg(Leg? originator, string uuid, string callerNumber, string callerName, string destination,
        IEnumerable<KeyValuePair<string, string>> extraVariables, string? channelName = null)
    {
        Leg leg = _switch.AddLeg(uuid, channelName ?? ChannelName(destination), inbound: false, Now);
        leg.CallerIdNumber = leg.OrigCallerIdNumber = callerNumber;
        leg.CallerIdName = leg.OrigCallerIdName = callerName;
        leg.CalleeIdName = "Outbound Call";
        leg.CalleeIdNumber = destination;
        leg.DestinationNumber = destination;
        leg.Context = originator?.Context ?? "default";
        leg.Source = originator is null ? "src/switch_ivr_originate.c" : "mod_sofia";
        if (originator is not null)
        {
            leg.Other = originator;
            leg.OtherType = "originator";
            leg.CallUuid = originator.Uuid;
        }

        Templates.ApplyVariables(leg, "outbound", Placeholders(leg, callerNumber, destination, originator?.Uuid));
        foreach (KeyValuePair<string, string> v in extraVariables)
        {
            leg.Variables[v.Key] = v.Value;
        }

        Own(leg);
        Fire("CHANNEL_OUTGOING", leg);
        SetState(leg, "CS_INIT");
        Fire("CHANNEL_CREATE", leg);
        Fire("CHANNEL_ORIGINATE", leg);
        SetState(leg, "CS_ROUTING");
        SetState(leg, "CS_CONSUME_MEDIA");
        return leg;
    }

    /// <summary>180 Ringing from the dialled phone.</summary>
    private void Ringing(Leg leg)
    {
        _followMe.TryGetValue(leg, out FollowMeLegs? far);
        leg.Progress = Now;
        Templates.ApplyVariables(leg, "ringing", Placeholders(leg, leg.CallerIdNumber, leg.DestinationNumber, leg.Other?.Uuid));
        Fire("CHANNEL_PROGRESS", leg);
        SetCallState(leg, "RINGING");
        if (far is not null)
        {
            Ringing(far.B);
        }

        if (_earlyMediaOnRing is { } caller)
        {
            _earlyMediaOnRing = null;
            EarlyMedia(caller);
        }
    }

    /// <summary>183 with early media to the caller (ringback, and what record_session needs).</summary>
    private void EarlyMedia(Leg leg)
    {
        leg.ProgressMedia = leg.Progress = Now;
        leg.AnswerState = "early";
        leg.Variables["ringback"] = "%(2000,4000,440,480)";
        Fire("CHANNEL_PROGRESS_MEDIA", leg);
        SetCallState(leg, "EARLY");
    }

    private void Answer(Leg leg)
    {
        if (_followMe.TryGetValue(leg, out FollowMeLegs? far))
        {
            // The mobile answers; both loopback halves follow, and the B half bridges the mobile.
            Answer(far.Gateway);
            AnswerOne(leg);
            AnswerOne(far.B);
            far.B.CalleeIdName = far.B.CalleeIdNumber = far.Gateway.DestinationNumber;
            Bridge(far.B, far.Gateway);
            return;
        }

        AnswerOne(leg);
    }

    private void AnswerOne(Leg leg)
    {
        leg.Answered = Now;
        leg.AnswerState = "answered";
        leg.HasMedia = true;
        leg.Variables["endpoint_disposition"] = "ANSWER";
        Fire("CHANNEL_ANSWER", leg);
        SetCallState(leg, "ACTIVE");
    }

    /// <summary>The A-leg's bridge to its answered peer: only the A-leg fires CHANNEL_BRIDGE.</summary>
    private void Bridge(Leg a, Leg b)
    {
        a.Bridged = b.Bridged = Now;
        a.Other = b;
        a.OtherType = "originatee";
        foreach (string name in new[] { "last_bridge_to", "bridge_channel", "bridge_uuid", "signal_bond" })
        {
            a.Variables[name] = name == "bridge_channel" ? b.Name : b.Uuid;
        }

        a.Variables["bridge_to"] = b.Uuid;
        b.Variables["bridge_to"] = a.Uuid;
        b.Variables["last_bridge_to"] = a.Uuid;
        Fire("CHANNEL_BRIDGE", a, [("Bridge-A-Unique-ID", a.Uuid), ("Bridge-B-Unique-ID", b.Uuid)]);
        SetState(b, "CS_EXCHANGE_MEDIA");
    }

    private void Unbridge(Leg a, Leg b, bool keepOther)
    {
        // After a transfer the A-leg's UNBRIDGE has no Other-Leg-* (s6): its profile was replaced.
        if (!keepOther)
        {
            a.Other = null;
            a.OtherType = null;
        }

        b.CallUuid = b.Uuid;
        a.Variables["bridge_to"] = null;
        Fire("CHANNEL_UNBRIDGE", a, [("Bridge-A-Unique-ID", a.Uuid), ("Bridge-B-Unique-ID", b.Uuid)]);
    }

    private void Execute(Leg leg, string app, string data, Action? during = null)
    {
        ExecuteStart(leg, app, data, out string appUuid);
        during?.Invoke();
        ExecuteComplete(leg, app, data, appUuid);
    }

    private void ExecuteStart(Leg leg, string app, string data, out string appUuid)
    {
        appUuid = Guid.NewGuid().ToString();
        leg.Application = app;
        leg.ApplicationData = data;
        leg.Variables["current_application_data"] = data;
        leg.Variables["current_application"] = app;
        Fire("CHANNEL_EXECUTE", leg, last: [("Application", app), ("Application-Data", data), ("Application-UUID", appUuid)]);
    }

    private void ExecuteComplete(Leg leg, string app, string data, string appUuid)
    {
        leg.Variables["last_app"] = app;
        leg.Variables["last_arg"] = data;
        Fire("CHANNEL_EXECUTE_COMPLETE", leg,
            last: [("Application", app), ("Application-Data", data), ("Application-Response", "_none_"), ("Application-UUID", appUuid)]);
    }

    private void Fire(string name, Leg leg, IEnumerable<(string, string)>? first = null, IEnumerable<(string, string)>? last = null) =>
        _switch.Fire(name, leg, Now, first, last);

    private void SetState(Leg leg, string state)
    {
        leg.State = state;
        Fire("CHANNEL_STATE", leg);
    }

    private void SetCallState(Leg leg, string callState)
    {
        string was = leg.CallState;
        leg.CallState = callState;
        Fire("CHANNEL_CALLSTATE", leg, [("Original-Channel-Call-State", was),
            ("Channel-Call-State-Number", Array.IndexOf(CallStates, callState).ToString(CultureInfo.InvariantCulture))]);
    }

    private Dictionary<string, string?> Placeholders(Leg leg, string caller, string destination, string? originator)
    {
        int n = Math.Abs(leg.Uuid.GetHashCode(StringComparison.Ordinal));
        return new Dictionary<string, string?>
        {
            ["uuid"] = leg.Uuid,
            ["session"] = _switch.SessionsSinceStart.ToString(CultureInfo.InvariantCulture),
            ["caller"] = caller,
            ["caller_digits"] = caller.TrimStart('+'),
            ["dest"] = destination,
            ["channel"] = leg.Name,
            ["originator"] = originator,
            ["profile"] = leg.Name.Split('/')[1],
            ["peer_host"] = "127.0.0.1",
            ["peer_port"] = (5060 + (n % 100)).ToString(CultureInfo.InvariantCulture),
            ["rtp_port"] = (16384 + (2 * (n % 8000))).ToString(CultureInfo.InvariantCulture),
            ["sip_call_id"] = leg.Uuid[..8] + "@127.0.0.1",
            ["sip_tag"] = leg.Uuid[^12..],
            ["user_agent"] = "FsBitrix simulated phone",
            ["created_us"] = EventFactory.Micros(leg.Created),
        };
    }

    /// <summary>Extensions are phones on the internal profile; anything longer goes out through the gateway.</summary>
    private static string ChannelName(string number) =>
        number.TrimStart('+').Length < 5 ? $"sofia/internal/{number}@127.0.0.1:5071" : $"sofia/external/{number}@127.0.0.1:5080";
}
