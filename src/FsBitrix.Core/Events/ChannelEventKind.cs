namespace FsBitrix.Core.Events;

/// <summary>The ESL events a CRM integration acts on; everything else is dropped by the factory.</summary>
public enum ChannelEventKind
{
    Create,
    Progress,
    ProgressMedia,
    Answer,
    Bridge,
    Unbridge,
    Hangup,
    HangupComplete,
    RecordStart,
    RecordStop,

    /// <summary>The socket app's first message: the channel's data, like a CHANNEL_CREATE seen late.</summary>
    ChannelData,
    BackgroundJob,
}
