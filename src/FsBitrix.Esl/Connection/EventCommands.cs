using FsBitrix.Esl.Events;

namespace FsBitrix.Esl.Connection;

/// <summary>Builders for the event-subscription commands.</summary>
internal static class EventCommands
{
    public static EslCommand Subscribe(EslEventFormat format, IEnumerable<string> events, IEnumerable<string>? customSubclasses = null)
    {
        var words = new List<string> { "event", FormatWord(format) };
        words.AddRange(events.Where(e => !string.Equals(e, EslEventNames.Custom, StringComparison.OrdinalIgnoreCase)));
        List<string> subclasses = customSubclasses?.ToList() ?? [];
        if (subclasses.Count > 0)
        {
            // Every word after CUSTOM is read as a subclass, so CUSTOM goes last.
            words.Add(EslEventNames.Custom);
            words.AddRange(subclasses);
        }

        if (words.Count == 2)
        {
            throw new ArgumentException("subscribe to at least one event", nameof(events));
        }

        foreach (string word in words.Skip(2))
        {
            if (word.Length == 0 || word.Contains(' ', StringComparison.Ordinal))
            {
                throw new ArgumentException($"'{word}' is not an event name", nameof(events));
            }
        }

        return new EslCommand(string.Join(' ', words));
    }

    public static EslCommand Filter(string header, string value) => new($"filter {header} {value}");

    public static EslCommand MyEvents(EslEventFormat format) => new("myevents " + FormatWord(format));

    internal static string FormatWord(EslEventFormat format) => format switch
    {
        EslEventFormat.Json => "json",
        EslEventFormat.Xml => "xml",
        _ => "plain",
    };
}
