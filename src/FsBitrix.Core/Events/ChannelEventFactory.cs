using System.Globalization;
using FsBitrix.Esl.Events;
using FsBitrix.Esl.Protocol;

namespace FsBitrix.Core.Events;

/// <summary>
/// Builds a <see cref="ChannelEvent"/> from an ESL event, reading each header it needs once (every read decodes
/// and allocates) and only the headers its kind carries. Never keeps the <see cref="EslEvent"/>.
/// </summary>
public static class ChannelEventFactory
{
    public const string BitrixCallIdVariable = "bitrix_call_id";
    public const string QueueVariable = "fsbitrix_queue";
    public const string VoicemailSubclass = "vm::maintenance";

    /// <summary>The typed view, or null for events the call logic ignores.</summary>
    public static ChannelEvent? From(EslEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        ChannelEventKind? kind = KindOf(e.EventName);
        return kind switch
        {
            null => e.EventName == EslEventNames.Custom ? Custom(e) : null,
            ChannelEventKind.BackgroundJob => Job(e),
            ChannelEventKind.Create or ChannelEventKind.ChannelData => WithProfile(Leg(e, kind.Value), e),
            ChannelEventKind.Bridge => Leg(e, kind.Value) with
            {
                BridgeAUniqueId = e[EslHeaders.BridgeAUniqueId],
                BridgeBUniqueId = e[EslHeaders.BridgeBUniqueId],
                OrigCallerIdNumber = e[EslHeaders.CallerOrigCallerIdNumber],
                CreatedAt = Microseconds(e[CallerChannelCreatedTime]),
                OtherLegCreatedAt = Microseconds(e[OtherLegChannelCreatedTime]),
                OtherLegOrigCallerIdNumber = e[OtherLegOrigCallerIdNumber],
            },
            ChannelEventKind.Unbridge => Leg(e, kind.Value) with
            {
                BridgeAUniqueId = e[EslHeaders.BridgeAUniqueId],
                BridgeBUniqueId = e[EslHeaders.BridgeBUniqueId],
            },
            ChannelEventKind.Hangup => Leg(e, kind.Value) with { HangupCause = e.HangupCause },
            ChannelEventKind.HangupComplete => WithCdr(Leg(e, kind.Value), e),
            ChannelEventKind.RecordStart or ChannelEventKind.RecordStop =>
                Leg(e, kind.Value) with { RecordFilePath = e[EslHeaders.RecordFilePath] },
            _ => Leg(e, kind.Value),
        };
    }

    private static ChannelEventKind? KindOf(string? eventName) => eventName switch
    {
        EslEventNames.ChannelCreate => ChannelEventKind.Create,
        EslEventNames.ChannelProgress => ChannelEventKind.Progress,
        EslEventNames.ChannelProgressMedia => ChannelEventKind.ProgressMedia,
        EslEventNames.ChannelAnswer => ChannelEventKind.Answer,
        EslEventNames.ChannelBridge => ChannelEventKind.Bridge,
        EslEventNames.ChannelUnbridge => ChannelEventKind.Unbridge,
        EslEventNames.ChannelHangup => ChannelEventKind.Hangup,
        EslEventNames.ChannelHangupComplete => ChannelEventKind.HangupComplete,
        EslEventNames.RecordStart => ChannelEventKind.RecordStart,
        EslEventNames.RecordStop => ChannelEventKind.RecordStop,
        EslEventNames.ChannelData => ChannelEventKind.ChannelData,
        EslEventNames.BackgroundJob => ChannelEventKind.BackgroundJob,
        _ => null,
    };

    // What every channel event needs for routing: which leg, when, and who dialled it.
    private static ChannelEvent Leg(EslEvent e, ChannelEventKind kind) =>
        new(kind, e.UniqueId, e.Timestamp)
        {
            Originator = e.GetVariable("originator"),
            OtherLegUniqueId = e.OtherLegUniqueId,
            DomainName = e.GetVariable("domain_name"),
            AnsweredAt = e[EslHeaders.AnswerState] == "answered" ? e.Timestamp : null,
        };

    private static ChannelEvent WithProfile(ChannelEvent c, EslEvent e) => (c with
    {
        ChannelCallUuid = e.ChannelCallUuid,
        OriginationUuid = e.GetVariable("origination_uuid"),
        Direction = e.CallDirection,
        CallerIdNumber = e[EslHeaders.CallerCallerIdNumber],
        OrigCallerIdNumber = e[EslHeaders.CallerOrigCallerIdNumber],
        DestinationNumber = e[EslHeaders.CallerDestinationNumber],
        CalleeIdNumber = e[EslHeaders.CallerCalleeIdNumber],
        Context = e[EslHeaders.CallerContext],
    }).WithLinkVariables(e.GetVariable);

    /// <summary>
    /// The channel variables that say who a leg belongs to and how it is linked to its call. One list for both
    /// readers (events and CDRs): a variable read by one only would route a call one way live and another from CDRs.
    /// </summary>
    public static ChannelEvent WithLinkVariables(this ChannelEvent c, Func<string, string?> variable)
    {
        ArgumentNullException.ThrowIfNull(c);
        ArgumentNullException.ThrowIfNull(variable);
        return c with
        {
            BitrixCallId = variable(BitrixCallIdVariable),
            Queue = variable(QueueVariable),
            CcMemberSessionUuid = variable("cc_member_session_uuid"),
            LoopbackLeg = variable("loopback_leg"),
            OtherLoopbackLegUuid = variable("other_loopback_leg_uuid"),
            OtherLoopbackFromUuid = variable("other_loopback_from_uuid"),
            DialedUser = variable("dialed_user"),
            DialedDomain = variable("dialed_domain"),
            DialedExtension = variable("dialed_extension"),
            PresenceId = variable("presence_id"),
        };
    }

    private static ChannelEvent WithCdr(ChannelEvent c, EslEvent e) => c with
    {
        AnsweredAt = Microseconds(e.GetVariable("answer_uepoch")) ?? c.AnsweredAt,
        HangupCause = e.HangupCause,
        Billsec = (int?)ParseLong(e.GetVariable("billsec")),
        Billmsec = ParseLong(e.GetVariable("billmsec")),
        SipTermStatus = e.GetVariable("sip_term_status"),
        SipHangupDisposition = e.GetVariable("sip_hangup_disposition"),
        BitrixCallId = e.GetVariable(BitrixCallIdVariable),
        Queue = e.GetVariable(QueueVariable),
        VoicemailFilePath = e.GetVariable("voicemail_file_path"),
        VoicemailAccount = e.GetVariable("voicemail_account"),
    };

    // Of the CUSTOM events only a left voicemail message matters: it is the recording of a missed call.
    private static ChannelEvent? Custom(EslEvent e) =>
        e.EventSubclass == VoicemailSubclass && e["VM-Action"] == "leave-message"
            ? Leg(e, ChannelEventKind.VoicemailMessage) with
            {
                VoicemailFilePath = e["VM-File-Path"],
                VoicemailAccount = e["VM-User"],
            }
            : null;

    private static ChannelEvent Job(EslEvent e)
    {
        string? arg = e[EslHeaders.JobCommandArg];
        return new ChannelEvent(ChannelEventKind.BackgroundJob, null, e.Timestamp)
        {
            JobUuid = e.JobUuid,
            JobCommand = e[EslHeaders.JobCommand],
            JobResult = e.BodyText.Trim(),
            OriginationUuid = OriginateVariable(arg, "origination_uuid"),
            BitrixCallId = OriginateVariable(arg, BitrixCallIdVariable),
        };
    }

    /// <summary>A variable from an originate's leading <c>{a=b,c=d}</c> block.</summary>
    internal static string? OriginateVariable(string? arg, string name)
    {
        if (arg is null || !arg.StartsWith('{'))
        {
            return null;
        }

        int close = arg.IndexOf('}', StringComparison.Ordinal);
        ReadOnlySpan<char> block = arg.AsSpan(1, (close < 0 ? arg.Length : close) - 1);
        foreach (Range r in block.Split(','))
        {
            ReadOnlySpan<char> pair = block[r];
            int eq = pair.IndexOf('=');
            if (eq > 0 && pair[..eq].Trim().SequenceEqual(name))
            {
                return pair[(eq + 1)..].Trim().ToString();
            }
        }

        return null;
    }

    private const string CallerChannelCreatedTime = "Caller-Channel-Created-Time";
    private const string OtherLegChannelCreatedTime = "Other-Leg-Channel-Created-Time";
    private const string OtherLegOrigCallerIdNumber = "Other-Leg-Orig-Caller-ID-Number";

    // FreeSWITCH's *-Time headers: microseconds since the epoch, 0 when it never happened.
    private static DateTimeOffset? Microseconds(string? s) =>
        ParseLong(s) is long us && us > 0 ? EslEvent.FromMicroseconds(us) : null;

    private static long? ParseLong(string? s) =>
        long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long n) ? n : null;
}
