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
}
