using FsBitrix.Esl.Events;

namespace FsBitrix.Simulator.Tests.Support;

/// <summary>A call's events reduced to what a CRM integration reacts to, with legs named by order of appearance.</summary>
internal static class Sequences
{
    private static readonly HashSet<string> Milestones =
    [
        "CHANNEL_CREATE", "CHANNEL_PROGRESS", "CHANNEL_PROGRESS_MEDIA", "CHANNEL_ANSWER", "CHANNEL_BRIDGE",
        "CHANNEL_UNBRIDGE", "CHANNEL_HANGUP", "CHANNEL_HANGUP_COMPLETE", "CHANNEL_DESTROY", "RECORD_START",
        "RECORD_STOP", "BACKGROUND_JOB",
    ];

    /// <summary>"A CHANNEL_CREATE", "B CHANNEL_PROGRESS", ...: leg A is the first leg seen, B the second.</summary>
    public static List<string> Milestone(IEnumerable<EslEvent> events)
    {
        var names = new Dictionary<string, char>();
        var result = new List<string>();
        foreach (EslEvent e in events.Where(e => e.EventName is { } n && Milestones.Contains(n)))
        {
            string leg = e.UniqueId is { } u ? Letter(names, u).ToString() : "-";
            result.Add($"{leg} {e.EventName}" + (e.EventName is "CHANNEL_HANGUP" ? " " + e.HangupCause : string.Empty));
        }

        return result;
    }

    public static string? FirstLeg(IEnumerable<EslEvent> events) =>
        events.FirstOrDefault(e => e.EventName == EslEventNames.ChannelCreate)?.UniqueId;

    public static DateTimeOffset? StartOf(IEnumerable<EslEvent> events) =>
        events.FirstOrDefault(e => e.EventName == EslEventNames.ChannelCreate)?.Timestamp;

    private static char Letter(Dictionary<string, char> names, string uuid)
    {
        if (!names.TryGetValue(uuid, out char c))
        {
            c = (char)('A' + names.Count);
            names[uuid] = c;
        }

        return c;
    }
}
