namespace FsBitrix.Simulator.Server;

/// <summary>Event names the simulator can fire: what an explicit list made from ALL contains.</summary>
internal static class KnownEvents
{
    public static IReadOnlyList<string> Names { get; } =
    [
        "CHANNEL_CREATE", "CHANNEL_DESTROY", "CHANNEL_STATE", "CHANNEL_CALLSTATE", "CHANNEL_ANSWER",
        "CHANNEL_HANGUP", "CHANNEL_HANGUP_COMPLETE", "CHANNEL_EXECUTE", "CHANNEL_EXECUTE_COMPLETE",
        "CHANNEL_BRIDGE", "CHANNEL_UNBRIDGE", "CHANNEL_PROGRESS", "CHANNEL_PROGRESS_MEDIA", "CHANNEL_OUTGOING",
        "CHANNEL_ORIGINATE", "CALL_UPDATE", "RECORD_START", "RECORD_STOP", "API", "BACKGROUND_JOB", "HEARTBEAT",
    ];
}
