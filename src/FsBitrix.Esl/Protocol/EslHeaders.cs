namespace FsBitrix.Esl.Protocol;

/// <summary>Header names as FreeSWITCH writes them (lookups are case-insensitive).</summary>
public static class EslHeaders
{
    // Outer frame headers
    public const string ContentType = "Content-Type";
    public const string ContentLength = "Content-Length";
    public const string ReplyText = "Reply-Text";
    public const string JobUuid = "Job-UUID";
    public const string ContentDisposition = "Content-Disposition";
    public const string ControlledSessionUuid = "Controlled-Session-UUID";
    public const string LingerTime = "Linger-Time";
    public const string SocketMode = "Socket-Mode";
    public const string Control = "Control";
    public const string LogLevel = "Log-Level";

    // Event headers
    public const string EventName = "Event-Name";
    public const string EventSubclass = "Event-Subclass";
    public const string EventDateTimestamp = "Event-Date-Timestamp";
    public const string EventSequence = "Event-Sequence";
    public const string CoreUuid = "Core-UUID";
    public const string UniqueId = "Unique-ID";
    public const string ChannelCallUuid = "Channel-Call-UUID";
    public const string ChannelName = "Channel-Name";
    public const string ChannelState = "Channel-State";
    public const string ChannelCallState = "Channel-Call-State";
    public const string AnswerState = "Answer-State";
    public const string CallDirection = "Call-Direction";
    public const string HangupCause = "Hangup-Cause";
    public const string OtherLegUniqueId = "Other-Leg-Unique-ID";
    public const string OtherType = "Other-Type";
    public const string BridgeAUniqueId = "Bridge-A-Unique-ID";
    public const string BridgeBUniqueId = "Bridge-B-Unique-ID";
    public const string CallerCallerIdNumber = "Caller-Caller-ID-Number";
    public const string CallerCallerIdName = "Caller-Caller-ID-Name";
    public const string CallerOrigCallerIdNumber = "Caller-Orig-Caller-ID-Number";
    public const string CallerCalleeIdNumber = "Caller-Callee-ID-Number";
    public const string CallerDestinationNumber = "Caller-Destination-Number";
    public const string CallerContext = "Caller-Context";
    public const string CallerUsername = "Caller-Username";
    public const string Application = "Application";
    public const string ApplicationData = "Application-Data";
    public const string ApplicationResponse = "Application-Response";
    public const string ApplicationUuid = "Application-UUID";
    public const string JobCommand = "Job-Command";
    public const string JobCommandArg = "Job-Command-Arg";
    public const string JobOwnerUuid = "Job-Owner-UUID";
    public const string RecordFilePath = "Record-File-Path";
}
