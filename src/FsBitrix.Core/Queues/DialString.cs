using System.Globalization;
using System.Text;

namespace FsBitrix.Core.Queues;

/// <summary>
/// Builds bridge/originate dial strings: <c>{global vars}[leg vars]endpoint,[leg vars]endpoint</c>. A comma rings
/// legs at once (ring-all), <c>|</c> one group after the other. Commas inside values are escaped <c>\,</c>, which both
/// FreeSWITCH's <c>{…}</c> and <c>[…]</c> parsers keep as part of the value; characters they split on in ways an
/// escape does not survive at every level (quotes, backslashes, brackets, braces, pipes, line breaks) are refused
/// rather than sent mangled.
/// </summary>
public static class DialString
{
    /// <summary>The default of <c>FsBitrix:Dial:Extension</c>: the phone(s) registered for the directory user.</summary>
    public const string DefaultExtensionTemplate = "user/{extension}";

    public const string OriginationUuid = "origination_uuid";

    /// <summary>
    /// The dial string ringing these phones together for <paramref name="timeout"/>: one leg per extension with the
    /// UUID we chose for it (so its events are ours before CHANNEL_CREATE arrives) and its own <c>leg_timeout</c>.
    /// </summary>
    public static string RingAll(string extensionTemplate, IEnumerable<(string Extension, string LegUuid)> legs,
        TimeSpan timeout, IEnumerable<KeyValuePair<string, string>>? globals = null)
    {
        ArgumentNullException.ThrowIfNull(legs);
        string seconds = Seconds(timeout);
        return Join(",", globals, legs.Select(l => new DialLeg(Endpoint(extensionTemplate, l.Extension),
            [new(OriginationUuid, l.LegUuid), new("leg_timeout", seconds)])));
    }

    /// <summary>Legs rung at once: <c>{globals}[vars]a,[vars]b</c>.</summary>
    public static string Simultaneous(IEnumerable<KeyValuePair<string, string>>? globals, IEnumerable<DialLeg> legs) =>
        Join(",", globals, legs);

    /// <summary>Legs rung one after the other, the next when the previous fails: <c>{globals}[vars]a|[vars]b</c>.</summary>
    public static string Sequential(IEnumerable<KeyValuePair<string, string>>? globals, IEnumerable<DialLeg> legs) =>
        Join("|", globals, legs);

    /// <summary>The configured template (<c>Dial:Extension</c>) with <c>{extension}</c> substituted.</summary>
    public static string Endpoint(string template, string extension)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(template);
        ArgumentException.ThrowIfNullOrWhiteSpace(extension);
        if (extension.AsSpan().IndexOfAny(",|[]{}'\\ \r\n") >= 0)
        {
            throw new ArgumentException($"Extension '{extension}' has characters a dial string cannot carry.", nameof(extension));
        }

        return template.Replace("{extension}", extension, StringComparison.Ordinal);
    }

    /// <summary>A variable's value as FreeSWITCH reads it back inside <c>{…}</c> or <c>[…]</c>.</summary>
    public static string Escape(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.AsSpan().IndexOfAny("'\\|[]{}\r\n") >= 0)
        {
            throw new ArgumentException($"Value '{value}' has characters a dial string variable cannot carry.", nameof(value));
        }

        return value.Replace(",", "\\,", StringComparison.Ordinal);
    }

    /// <summary>Whole seconds, rounded up (FreeSWITCH's timeouts are integers) and at least one.</summary>
    public static string Seconds(TimeSpan timeout) =>
        Math.Max(1, (int)Math.Ceiling(timeout.TotalSeconds)).ToString(CultureInfo.InvariantCulture);

    private static string Join(string separator, IEnumerable<KeyValuePair<string, string>>? globals, IEnumerable<DialLeg> legs)
    {
        ArgumentNullException.ThrowIfNull(legs);
        var text = new StringBuilder();
        AppendVariables(text, '{', '}', globals);
        bool first = true;
        foreach (DialLeg leg in legs)
        {
            text.Append(first ? string.Empty : separator);
            AppendVariables(text, '[', ']', leg.Variables);
            text.Append(leg.Endpoint);
            first = false;
        }

        return first ? throw new ArgumentException("A dial string needs at least one leg.", nameof(legs)) : text.ToString();
    }

    private static void AppendVariables(StringBuilder text, char open, char close,
        IEnumerable<KeyValuePair<string, string>>? variables)
    {
        List<KeyValuePair<string, string>> list = variables?.ToList() ?? [];
        if (list.Count == 0)
        {
            return;
        }

        text.Append(open);
        for (int i = 0; i < list.Count; i++)
        {
            text.Append(i == 0 ? string.Empty : ",").Append(Name(list[i].Key)).Append('=').Append(Escape(list[i].Value));
        }

        text.Append(close);
    }

    private static string Name(string name) =>
        name.Length > 0 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.')
            ? name
            : throw new ArgumentException($"'{name}' is not a channel variable name.", nameof(name));
}
