namespace FsBitrix.Esl.Events;

/// <summary>Event names (<c>Event-Name</c>) a call-tracking client subscribes to.</summary>
public static class EslEventNames
{
    public const string ChannelCreate = "CHANNEL_CREATE";
    public const string ChannelDestroy = "CHANNEL_DESTROY";
    public const string ChannelState = "CHANNEL_STATE";
    public const string ChannelCallState = "CHANNEL_CALLSTATE";
    public const string ChannelAnswer = "CHANNEL_ANSWER";
    public const string ChannelHangup = "CHANNEL_HANGUP";
    public const string ChannelHangupComplete = "CHANNEL_HANGUP_COMPLETE";
    public const string ChannelExecute = "CHANNEL_EXECUTE";
    public const string ChannelExecuteComplete = "CHANNEL_EXECUTE_COMPLETE";
    public const string ChannelBridge = "CHANNEL_BRIDGE";
    public const string ChannelUnbridge = "CHANNEL_UNBRIDGE";
    public const string ChannelProgress = "CHANNEL_PROGRESS";
    public const string ChannelProgressMedia = "CHANNEL_PROGRESS_MEDIA";
    public const string ChannelOutgoing = "CHANNEL_OUTGOING";
    public const string ChannelOriginate = "CHANNEL_ORIGINATE";
    public const string ChannelPark = "CHANNEL_PARK";
    public const string ChannelUnpark = "CHANNEL_UNPARK";
    public const string ChannelData = "CHANNEL_DATA";
    public const string ChannelUuid = "CHANNEL_UUID";
    public const string ChannelHold = "CHANNEL_HOLD";
    public const string ChannelUnhold = "CHANNEL_UNHOLD";
    public const string CallUpdate = "CALL_UPDATE";
    public const string RecordStart = "RECORD_START";
    public const string RecordStop = "RECORD_STOP";
    public const string BackgroundJob = "BACKGROUND_JOB";
    public const string Heartbeat = "HEARTBEAT";
    public const string Dtmf = "DTMF";
    public const string Custom = "CUSTOM";
    public const string All = "ALL";
}
