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

    /// <summary><c>CUSTOM vm::maintenance</c> with <c>VM-Action: leave-message</c>: a client left a voicemail message.</summary>
    VoicemailMessage,

    /// <summary>
    /// Made by the router, never by FreeSWITCH: a leg that belonged to another call (a phone that dialled a pickup or
    /// intercept code) was bridged into this call and belongs to it from now on.
    /// </summary>
    LegJoined,

    /// <summary>Made by the router: the leg left this call for the call it was bridged into (see <see cref="LegJoined"/>).</summary>
    LegLeft,
}
