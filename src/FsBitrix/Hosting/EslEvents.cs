using FsBitrix.Esl.Events;

namespace FsBitrix.Hosting;

/// <summary>What the call tracker subscribes to on the inbound socket.</summary>
internal static class EslEvents
{
    public static readonly IReadOnlyList<string> CallTracking =
    [
        EslEventNames.ChannelCreate,
        EslEventNames.ChannelProgress,
        EslEventNames.ChannelProgressMedia,
        EslEventNames.ChannelAnswer,
        EslEventNames.ChannelBridge,
        EslEventNames.ChannelUnbridge,
        EslEventNames.ChannelHangup,
        EslEventNames.ChannelHangupComplete,
        EslEventNames.ChannelData,
        EslEventNames.RecordStart,
        EslEventNames.RecordStop,
        EslEventNames.BackgroundJob,
    ];

    /// <summary>
    /// CUSTOM subclasses: mod_voicemail's, whose leave-message names the message a client left (the recording of a
    /// missed call). The message's path also rides on the leg's CHANNEL_HANGUP_COMPLETE; this one says it first.
    /// </summary>
    public static readonly IReadOnlyList<string> CallTrackingCustom = ["vm::maintenance"];
}
