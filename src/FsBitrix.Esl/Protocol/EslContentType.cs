namespace FsBitrix.Esl.Protocol;

/// <summary>The <c>Content-Type</c> of a frame FreeSWITCH sends on the Event Socket.</summary>
internal enum EslContentType
{
    /// <summary>A content type this library does not know; such frames are logged and skipped.</summary>
    Unknown = 0,
    AuthRequest,
    CommandReply,
    ApiResponse,
    EventPlain,
    EventJson,
    EventXml,
    DisconnectNotice,
    LogData,
    RudeRejection,
}

/// <summary>The content types as they appear on the wire.</summary>
internal static class EslContentTypes
{
    public const string AuthRequest = "auth/request";
    public const string CommandReply = "command/reply";
    public const string ApiResponse = "api/response";
    public const string EventPlain = "text/event-plain";
    public const string EventJson = "text/event-json";
    public const string EventXml = "text/event-xml";
    public const string DisconnectNotice = "text/disconnect-notice";
    public const string LogData = "log/data";
    public const string RudeRejection = "text/rude-rejection";

    internal static EslContentType Parse(ReadOnlySpan<byte> value) => value switch
    {
        _ when value.SequenceEqual("text/event-plain"u8) => EslContentType.EventPlain,
        _ when value.SequenceEqual("command/reply"u8) => EslContentType.CommandReply,
        _ when value.SequenceEqual("api/response"u8) => EslContentType.ApiResponse,
        _ when value.SequenceEqual("text/event-json"u8) => EslContentType.EventJson,
        _ when value.SequenceEqual("text/event-xml"u8) => EslContentType.EventXml,
        _ when value.SequenceEqual("log/data"u8) => EslContentType.LogData,
        _ when value.SequenceEqual("auth/request"u8) => EslContentType.AuthRequest,
        _ when value.SequenceEqual("text/disconnect-notice"u8) => EslContentType.DisconnectNotice,
        _ when value.SequenceEqual("text/rude-rejection"u8) => EslContentType.RudeRejection,
        _ => EslContentType.Unknown,
    };

    public static string ToWire(this EslContentType type) => type switch
    {
        EslContentType.AuthRequest => AuthRequest,
        EslContentType.CommandReply => CommandReply,
        EslContentType.ApiResponse => ApiResponse,
        EslContentType.EventPlain => EventPlain,
        EslContentType.EventJson => EventJson,
        EslContentType.EventXml => EventXml,
        EslContentType.DisconnectNotice => DisconnectNotice,
        EslContentType.LogData => LogData,
        EslContentType.RudeRejection => RudeRejection,
        _ => "unknown",
    };
}
