using System.Globalization;
using System.Xml;
using System.Xml.Linq;
using FsBitrix.Core.Events;
using FsBitrix.Esl.Events;

namespace FsBitrix.Core.Cdr;

/// <summary>
/// One leg's CDR (mod_xml_cdr's XML: a file of its log-dir, or the decoded body of its POST) as the channel events
/// the leg fired: CHANNEL_CREATE with what links it to its call, then progress, answer, bridge, recording and hangup
/// at the times the CDR gives. Fed through the same router and reducer as live events, a call that began and ended
/// while the service was not listening gets the same Bitrix24 commands as if it had been seen.
/// </summary>
public static class CdrLegEvents
{
    /// <summary>The leg's events in the order it fired them.</summary>
    /// <exception cref="CdrFormatException">The text is not a CDR of one leg.</exception>
    public static IReadOnlyList<ChannelEvent> Read(string xml)
    {
        XElement cdr = Parse(xml);
        IReadOnlyDictionary<string, string> v = Variables(cdr);
        string uuid = v.GetValueOrDefault("uuid") ?? throw new CdrFormatException("the CDR has no variables/uuid");
        DateTimeOffset started = Time(v, "start_uepoch") ?? throw new CdrFormatException($"CDR {uuid} has no start_uepoch");
        DateTimeOffset ended = Time(v, "end_uepoch") ?? started;

        // The callflows come newest first; the oldest is the profile the leg had when it was created.
        XElement? profile = cdr.Elements("callflow").LastOrDefault()?.Element("caller_profile");
        string? callerNumber = Text(profile, "caller_id_number");
        var create = new ChannelEvent(ChannelEventKind.Create, uuid, started)
        {
            Originator = v.GetValueOrDefault("originator"),
            OtherLegUniqueId = v.GetValueOrDefault("originator"),
            OriginationUuid = v.GetValueOrDefault("origination_uuid"),
            Direction = cdr.Element("channel_data")?.Element("direction")?.Value switch
            {
                "inbound" => CallDirection.Inbound,
                "outbound" => CallDirection.Outbound,
                _ => CallDirection.Unknown,
            },
            CallerIdNumber = callerNumber,
            OrigCallerIdNumber = callerNumber,
            DestinationNumber = Text(profile, "destination_number"),
            CalleeIdNumber = Text(profile, "callee_id_number"),
            Context = Text(profile, "context"),
            DomainName = v.GetValueOrDefault("domain_name"),
        }.WithLinkVariables(v.GetValueOrDefault);

        var events = new List<ChannelEvent> { create };
        if ((Time(v, "progress_uepoch") ?? Time(v, "progress_media_uepoch")) is { } ringing)
        {
            events.Add(new ChannelEvent(ChannelEventKind.Progress, uuid, ringing));
        }

        DateTimeOffset? answered = Time(v, "answer_uepoch");
        if (answered is { } at)
        {
            events.Add(new ChannelEvent(ChannelEventKind.Answer, uuid, at) { DomainName = create.DomainName });
        }

        // The last bridge, on the leg that was not dialled (FreeSWITCH fires CHANNEL_BRIDGE on that side): how a
        // phone that picked a call up is found to be part of it.
        if (Time(v, "bridge_uepoch") is { } bridged && create.Originator is null && v.GetValueOrDefault("last_bridge_to") is { } partner)
        {
            events.Add(new ChannelEvent(ChannelEventKind.Bridge, uuid, bridged)
            {
                OtherLegUniqueId = partner,
                BridgeAUniqueId = uuid,
                BridgeBUniqueId = partner,
                CreatedAt = started,
                OrigCallerIdNumber = callerNumber,
            });
        }

        foreach (string path in Recordings(cdr))
        {
            events.Add(new ChannelEvent(ChannelEventKind.RecordStart, uuid, started) { RecordFilePath = path });
        }

        HangupCause? cause = HangupCauses.Parse(v.GetValueOrDefault("hangup_cause"));
        events.Add(new ChannelEvent(ChannelEventKind.Hangup, uuid, ended) { HangupCause = cause });
        events.Add(new ChannelEvent(ChannelEventKind.HangupComplete, uuid, ended)
        {
            Originator = create.Originator,
            HangupCause = cause,
            Billsec = (int?)Number(v, "billsec"),
            Billmsec = Number(v, "billmsec"),
            SipTermStatus = v.GetValueOrDefault("sip_term_status"),
            SipHangupDisposition = v.GetValueOrDefault("sip_hangup_disposition"),
            AnsweredAt = answered,
            BitrixCallId = create.BitrixCallId,
            Queue = create.Queue,
            VoicemailFilePath = v.GetValueOrDefault("voicemail_file_path"),
            VoicemailAccount = v.GetValueOrDefault("voicemail_account"),
            DomainName = create.DomainName,
        });
        return events;
    }

    /// <summary>
    /// The events of several legs of one call, in the order FreeSWITCH fired them: by time; at one instant creations
    /// first, the legs in the order they were created, hangups last. CDR times step with FreeSWITCH's 20 ms clock, so
    /// legs created in one tick are ordered so that a leg comes after the leg it names (who dialled it, the queue
    /// member it serves, its loopback half).
    /// </summary>
    public static IReadOnlyList<ChannelEvent> Merge(IEnumerable<IReadOnlyList<ChannelEvent>> legs)
    {
        ArgumentNullException.ThrowIfNull(legs);
        var all = LinkedAfterTheirLinks(legs.Where(l => l.Count > 0).OrderBy(l => l[0].Timestamp).ToList())
            .SelectMany((l, order) => l.Select(e => (Event: e, Order: order))).ToList();
        return [.. all.OrderBy(x => x.Event.Timestamp).ThenBy(x => Rank(x.Event.Kind)).ThenBy(x => x.Order).Select(x => x.Event)];
    }

    private static List<IReadOnlyList<ChannelEvent>> LinkedAfterTheirLinks(List<IReadOnlyList<ChannelEvent>> legs)
    {
        var placed = new List<IReadOnlyList<ChannelEvent>>(legs.Count);
        var done = new HashSet<string>(StringComparer.Ordinal);
        var known = legs.Select(l => l[0].UniqueId).OfType<string>().ToHashSet(StringComparer.Ordinal);
        while (legs.Count > 0)
        {
            // The earliest leg whose links are placed (or not among these legs); a cycle falls back to the earliest.
            int next = legs.FindIndex(l => Links(l[0]).All(x => done.Contains(x) || !known.Contains(x)));
            IReadOnlyList<ChannelEvent> leg = legs[next < 0 ? 0 : next];
            legs.Remove(leg);
            placed.Add(leg);
            done.Add(leg[0].UniqueId!);
        }

        return placed;
    }

    private static IEnumerable<string> Links(ChannelEvent create) =>
        new[] { create.Originator, create.CcMemberSessionUuid, create.OtherLoopbackFromUuid, create.LoopbackLeg == "B" ? create.OtherLoopbackLegUuid : null }
            .OfType<string>();

    private static int Rank(ChannelEventKind kind) => kind switch
    {
        ChannelEventKind.Create => 0,
        ChannelEventKind.Progress => 1,
        ChannelEventKind.Answer => 2,
        ChannelEventKind.Bridge => 3,
        ChannelEventKind.RecordStart or ChannelEventKind.RecordStop => 4,
        ChannelEventKind.Hangup => 5,
        _ => 6,
    };

    private static XElement Parse(string xml)
    {
        try
        {
            XElement root = XDocument.Parse(xml, LoadOptions.None).Root!;
            return root.Name.LocalName == "cdr" ? root : throw new CdrFormatException($"the root element is <{root.Name.LocalName}>, not <cdr>");
        }
        catch (XmlException ex)
        {
            throw new CdrFormatException("the CDR is not well-formed XML: " + ex.Message, ex);
        }
    }

    // mod_xml_cdr url-encodes every variable's value (%2B79161234567); an array variable repeats its element.
    private static Dictionary<string, string> Variables(XElement cdr)
    {
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (XElement variable in cdr.Element("variables")?.Elements() ?? [])
        {
            variables.TryAdd(variable.Name.LocalName, Uri.UnescapeDataString(variable.Value));
        }

        return variables;
    }

    // The recording's path is in no variable: only in record_session's expanded argument in the app log.
    private static IEnumerable<string> Recordings(XElement cdr) =>
        cdr.Element("app_log")?.Elements("application")
            .Where(a => (string?)a.Attribute("app_name") == "record_session")
            .Select(a => (string?)a.Attribute("app_data"))
            .OfType<string>()
            .Where(p => p.Length > 0 && !p.Contains("${", StringComparison.Ordinal))
            .Distinct() ?? [];

    private static string? Text(XElement? profile, string name) =>
        profile?.Element(name)?.Value is { Length: > 0 } value ? value : null;

    private static long? Number(IReadOnlyDictionary<string, string> v, string name) =>
        long.TryParse(v.GetValueOrDefault(name), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long n) ? n : null;

    // *_uepoch: microseconds since the epoch; 0 when it never happened.
    private static DateTimeOffset? Time(IReadOnlyDictionary<string, string> v, string name) =>
        Number(v, name) is long us && us > 0 ? EslEvent.FromMicroseconds(us) : null;
}
