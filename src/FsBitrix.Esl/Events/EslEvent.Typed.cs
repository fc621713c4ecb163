using System.Globalization;
using FsBitrix.Esl.Protocol;

namespace FsBitrix.Esl.Events;

public sealed partial class EslEvent
{
    public string? EventName => GetHeader(EslHeaders.EventName);

    public string? EventSubclass => GetHeader(EslHeaders.EventSubclass);

    /// <summary>This leg's UUID.</summary>
    public string? UniqueId => GetHeader(EslHeaders.UniqueId);

    public string? ChannelCallUuid => GetHeader(EslHeaders.ChannelCallUuid);

    public string? OtherLegUniqueId => GetHeader(EslHeaders.OtherLegUniqueId);

    public string? ChannelName => GetHeader(EslHeaders.ChannelName);

    public string? JobUuid => GetHeader(EslHeaders.JobUuid);

    public string? CoreUuid => GetHeader(EslHeaders.CoreUuid);

    public CallDirection CallDirection => GetHeader(EslHeaders.CallDirection) switch
    {
        "inbound" => CallDirection.Inbound,
        "outbound" => CallDirection.Outbound,
        _ => CallDirection.Unknown,
    };

    /// <summary>The first <c>Hangup-Cause</c> (CHANNEL_HANGUP_COMPLETE carries it twice).</summary>
    public HangupCause? HangupCause => HangupCauses.Parse(GetHeader(EslHeaders.HangupCause));

    /// <summary><c>Event-Date-Timestamp</c>: microseconds since the epoch, on FreeSWITCH's clock.</summary>
    public DateTimeOffset? Timestamp =>
        long.TryParse(GetHeader(EslHeaders.EventDateTimestamp), NumberStyles.None, CultureInfo.InvariantCulture, out long us)
            ? FromMicroseconds(us)
            : null;

    /// <summary>Microseconds since the epoch as a time; null when no date can hold it (a corrupt header, not a crash).</summary>
    public static DateTimeOffset? FromMicroseconds(long microseconds) =>
        microseconds >= 0 && microseconds <= MaxMicroseconds ? DateTimeOffset.UnixEpoch.AddTicks(microseconds * 10) : null;

    private static readonly long MaxMicroseconds = (DateTimeOffset.MaxValue.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;

    public long? Sequence =>
        long.TryParse(GetHeader(EslHeaders.EventSequence), NumberStyles.None, CultureInfo.InvariantCulture, out long n)
            ? n
            : null;
}
