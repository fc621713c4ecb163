using System.Globalization;
using System.Text;

namespace FsBitrix.Core.Queues;

/// <summary>
/// Builds bridge/originate dial strings: <c>{global vars}[leg vars]endpoint,[leg vars]endpoint</c>. A comma rings
/// legs at once (ring-all), <c>|</c> one group after the other. Commas inside values are escaped <c>\,</c>, which both
/// FreeSWITCH's <c>{…}</c> and <c>[…]</c> parsers keep as part of the value; a value with spaces is single-quoted, so
/// that the <c>originate</c> API, which splits its arguments on spaces, keeps it whole; characters they split on in
/// ways an escape does not survive at every level (quotes, backslashes, brackets, braces, pipes, line breaks) are
/// refused rather than sent mangled. The one builder of dial strings: queues' bridges and click-to-call's originates.
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
    /// <param name="legs">Each agent as an <see cref="AgentAddress"/>: <c>1001</c>, or <c>1001@b.example</c> for a company's.</param>
    /// <param name="domain">The company's FreeSWITCH domain for agents named without one (<see cref="Endpoint"/>).</param>
    public static string RingAll(string extensionTemplate, IEnumerable<(string Extension, string LegUuid)> legs,
        TimeSpan timeout, IEnumerable<KeyValuePair<string, string>>? globals = null, string? domain = null)
    {
        ArgumentNullException.ThrowIfNull(legs);
        string seconds = Seconds(timeout);
        return Join(",", globals, legs.Select(l =>
        {
            (string extension, string? own) = AgentAddress.Split(l.Extension);
            return new DialLeg(Endpoint(extensionTemplate, extension, own ?? domain), [new(OriginationUuid, l.LegUuid), new("leg_timeout", seconds)]);
        }));
    }

    /// <summary>Legs rung at once: <c>{globals}[vars]a,[vars]b</c>.</summary>
    public static string Simultaneous(IEnumerable<KeyValuePair<string, string>>? globals, IEnumerable<DialLeg> legs) =>
        Join(",", globals, legs);

    /// <summary>Legs rung one after the other, the next when the previous fails: <c>{globals}[vars]a|[vars]b</c>.</summary>
    public static string Sequential(IEnumerable<KeyValuePair<string, string>>? globals, IEnumerable<DialLeg> legs) =>
        Join("|", globals, legs);

    /// <summary>
    /// The configured template (<c>Dial:Extension</c>) with <c>{extension}</c> substituted. With a company's
    /// <paramref name="domain"/> (several companies on one switch) a template naming <c>{domain}</c> gets it, and a
    /// plain <c>user/{extension}</c> gets <c>@domain</c>: that company's 1001 rings, not another's.
    /// </summary>
    public static string Endpoint(string template, string extension, string? domain = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(template);
        Plain(extension, nameof(extension));
        string endpoint = template.Replace("{extension}", extension, StringComparison.Ordinal);
        if (domain is null)
        {
            return endpoint.Replace("@{domain}", string.Empty, StringComparison.Ordinal);
        }

        Plain(domain, nameof(domain));
        return template.Contains("{domain}", StringComparison.Ordinal)
            ? endpoint.Replace("{domain}", domain, StringComparison.Ordinal)
            : endpoint.StartsWith("user/", StringComparison.Ordinal) && !endpoint.Contains('@', StringComparison.Ordinal) ? $"{endpoint}@{domain}" : endpoint;
    }

    /// <summary>The configured gateway template (<c>Dial:External</c>) with the client's <c>{number}</c> substituted.</summary>
    public static string External(string template, string number)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(template);
        Plain(number, nameof(number));
        return template.Replace("{number}", number, StringComparison.Ordinal);
    }

    /// <summary>A variable's value as FreeSWITCH reads it back inside <c>{…}</c> or <c>[…]</c>.</summary>
    public static string Escape(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.AsSpan().IndexOfAny("'\\|[]{}\r\n") >= 0)
        {
            throw new ArgumentException($"Value '{value}' has characters a dial string variable cannot carry.", nameof(value));
        }

        string escaped = value.Replace(",", "\\,", StringComparison.Ordinal);
        return escaped.Contains(' ', StringComparison.Ordinal) ? $"'{escaped}'" : escaped;
    }

    /// <summary>Whole seconds, rounded up (FreeSWITCH's timeouts are integers) and at least one.</summary>
    public static string Seconds(TimeSpan timeout) =>
        Math.Max(1, (int)Math.Ceiling(timeout.TotalSeconds)).ToString(CultureInfo.InvariantCulture);

    private static void Plain(string value, string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value, name);
        if (value.AsSpan().IndexOfAny(",|[]{}'\\ \r\n") >= 0)
        {
            throw new ArgumentException($"'{value}' has characters a dial string cannot carry.", name);
        }
    }

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
