using System.Globalization;
using FsBitrix.Simulator.Wire;

namespace FsBitrix.Simulator.Switch;

/// <summary>
/// Builds events with the header blocks and order the captures show: envelope, event-specific headers that
/// FreeSWITCH adds first, channel data, caller profile, other leg's profile, variables, then the headers the
/// firing code adds last.
/// </summary>
internal static class EventFactory
{
    private static readonly string[] States =
    [
        "CS_NEW", "CS_INIT", "CS_ROUTING", "CS_SOFT_EXECUTE", "CS_EXECUTE", "CS_EXCHANGE_MEDIA", "CS_PARK",
        "CS_CONSUME_MEDIA", "CS_HIBERNATE", "CS_RESET", "CS_HANGUP", "CS_REPORTING", "CS_DESTROY",
    ];

    /// <param name="subclass">A CUSTOM event's <c>Event-Subclass</c>, which FreeSWITCH writes before its name.</param>
    public static SimEvent Envelope(SwitchIdentity id, string name, DateTimeOffset at, long sequence, string? subclass = null)
    {
        EventShape shape = Templates.Shape(subclass is null ? name : $"{name} {subclass}");
        SimEvent e = subclass is null ? new SimEvent() : new SimEvent().Add("Event-Subclass", subclass);
        return e
            .Add("Event-Name", name)
            .Add("Core-UUID", id.CoreUuid)
            .Add("FreeSWITCH-Hostname", id.Hostname)
            .Add("FreeSWITCH-Switchname", id.Hostname)
            .Add("FreeSWITCH-IPv4", "127.0.0.1")
            .Add("FreeSWITCH-IPv6", "::1")
            .Add("Event-Date-Local", at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture))
            .Add("Event-Date-GMT", at.UtcDateTime.ToString("ddd, dd MMM yyyy HH:mm:ss 'GMT'", CultureInfo.InvariantCulture))
            .Add("Event-Date-Timestamp", Micros(at))
            .Add("Event-Calling-File", shape.File)
            .Add("Event-Calling-Function", shape.Function)
            .Add("Event-Calling-Line-Number", shape.Line.ToString(CultureInfo.InvariantCulture))
            .Add("Event-Sequence", sequence.ToString(CultureInfo.InvariantCulture));
    }

    public static SimEvent Channel(SimEvent e, Leg leg, IEnumerable<(string, string)> first, IEnumerable<(string, string)> last)
    {
        EventBlocks blocks = Templates.Shape(e["Event-Subclass"] is { } subclass ? $"{e.Name} {subclass}" : e.Name).Blocks;
        foreach ((string name, string value) in first)
        {
            e.Add(name, value);
        }

        AddBasic(e, leg);
        if (blocks >= EventBlocks.Profile && leg.HasProfile)
        {
            AddCodec(e, leg);
            AddProfile(e, "Caller-", leg, self: true, withCallee: true);
            if (leg.Other is { } other && leg.OtherType is { } type)
            {
                e.Add("Other-Type", type);
                AddProfile(e, "Other-Leg-", other, self: false, withCallee: type == "originatee");
            }
        }

        if (blocks >= EventBlocks.Vars)
        {
            foreach (KeyValuePair<string, string> v in leg.Variables.Items)
            {
                e.Add("variable_" + v.Key, v.Value);
            }
        }

        foreach ((string name, string value) in last)
        {
            e.Add(name, value);
        }

        return e;
    }

    public static string Micros(DateTimeOffset? at) =>
        at is { } t ? ((t.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10).ToString(CultureInfo.InvariantCulture) : "0";

    public static int StateNumber(string state) => Array.IndexOf(States, state);

    private static void AddBasic(SimEvent e, Leg leg)
    {
        e.Add("Channel-State", leg.State)
            .Add("Channel-Call-State", leg.CallState)
            .Add("Channel-State-Number", StateNumber(leg.State).ToString(CultureInfo.InvariantCulture))
            .Add("Channel-Name", leg.Name)
            .Add("Unique-ID", leg.Uuid)
            .Add("Call-Direction", leg.Direction)
            .Add("Presence-Call-Direction", leg.Direction)
            .Add("Channel-HIT-Dialplan", leg.Inbound ? "true" : "false")
            .Add("Channel-Call-UUID", leg.CallUuid)
            .Add("Answer-State", leg.AnswerState);
        if (leg.HangupCause is { } cause)
        {
            e.Add("Hangup-Cause", cause);
        }
    }

    private static void AddCodec(SimEvent e, Leg leg)
    {
        if (!leg.HasMedia)
        {
            return;
        }

        e.Add("Channel-Read-Codec-Name", "PCMU").Add("Channel-Read-Codec-Rate", "8000").Add("Channel-Read-Codec-Bit-Rate", "64000")
            .Add("Channel-Write-Codec-Name", "PCMU").Add("Channel-Write-Codec-Rate", "8000").Add("Channel-Write-Codec-Bit-Rate", "64000");
    }

    // A B-leg keeps the copy of its originator's profile made when it was dialled (no callee yet), so the other
    // leg's callee shows only on the A-leg's side.
    private static void AddProfile(SimEvent e, string p, Leg leg, bool self, bool withCallee)
    {
        e.Add(p + "Direction", leg.Direction).Add(p + "Logical-Direction", leg.Direction);
        if (leg.Username.Length > 0)
        {
            e.Add(p + "Username", leg.Username);
        }

        e.Add(p + "Dialplan", "XML")
            .Add(p + "Caller-ID-Name", leg.CallerIdName)
            .Add(p + "Caller-ID-Number", leg.CallerIdNumber)
            .Add(p + "Orig-Caller-ID-Name", leg.OrigCallerIdName)
            .Add(p + "Orig-Caller-ID-Number", leg.OrigCallerIdNumber);
        if (withCallee && leg.CalleeIdNumber is { } callee)
        {
            e.Add(p + "Callee-ID-Name", leg.CalleeIdName ?? "Outbound Call").Add(p + "Callee-ID-Number", callee);
        }

        e.Add(p + "Network-Addr", leg.NetworkAddr)
            .Add(p + "ANI", leg.OrigCallerIdNumber)
            .Add(p + "Destination-Number", leg.DestinationNumber)
            .Add(p + "Unique-ID", leg.Uuid)
            .Add(p + "Source", leg.Source)
            .Add(p + "Context", leg.Context)
            .Add(p + "Channel-Name", leg.Name);
        if (self)
        {
            e.Add(p + "Profile-Index", leg.Transferred is null ? "1" : "2");
        }

        e.Add(p + "Profile-Created-Time", Micros(leg.Transferred ?? leg.Created))
            .Add(p + "Channel-Created-Time", Micros(leg.Created))
            .Add(p + "Channel-Answered-Time", Micros(leg.Answered))
            .Add(p + "Channel-Progress-Time", Micros(leg.Progress))
            .Add(p + "Channel-Progress-Media-Time", Micros(leg.ProgressMedia))
            .Add(p + "Channel-Hangup-Time", Micros(leg.HungUp))
            .Add(p + "Channel-Transfer-Time", Micros(leg.Transferred))
            .Add(p + "Channel-Resurrect-Time", "0")
            .Add(p + "Channel-Bridged-Time", Micros(leg.Bridged))
            .Add(p + "Channel-Last-Hold", "0")
            .Add(p + "Channel-Hold-Accum", "0")
            .Add(p + "Screen-Bit", "true")
            .Add(p + "Privacy-Hide-Name", "false")
            .Add(p + "Privacy-Hide-Number", "false");
    }
}
