using System.Text;
using System.Text.RegularExpressions;

namespace FsBitrix.ClickToCall;

/// <summary>
/// Values from a Bitrix24 event or the CRM, made safe for an originate command line. Whatever could end the ESL
/// command (line breaks), split the originate's arguments (spaces), the <c>{…}</c> variables (commas, braces,
/// quotes) or the <c>&amp;bridge(…)</c> argument (parentheses, commas, pipes) is refused, never escaped and hoped for.
/// </summary>
internal static partial class DialValues
{
    /// <summary>A client's number as dialled: digits with an optional leading +; separators people type are dropped.</summary>
    public static string? ClientNumber(string? text)
    {
        if (text is null)
        {
            return null;
        }

        var number = new StringBuilder(text.Length);
        foreach (char c in text.Trim())
        {
            if (c is ' ' or '-' or '(' or ')' or '.' or '\u00a0')
            {
                continue;
            }

            number.Append(c);
        }

        string result = number.ToString();
        return PhoneNumber().IsMatch(result) ? result : null;
    }

    /// <summary>An extension as the directory holds it (UF_PHONE_INNER or the Users map).</summary>
    public static bool IsExtension(string? text) => text is not null && Extension().IsMatch(text);

    /// <summary>Bitrix24 CALL_IDs look like <c>externalCall.89350264e026dace3f2b14d1f438257c.1773236989</c>.</summary>
    public static bool IsCallId(string? text) => text is not null && CallId().IsMatch(text);

    /// <summary>
    /// A CRM name for the rep's display: letters, digits, spaces, dots and dashes (anything else becomes a space),
    /// at most 40 characters (the dial-string builder quotes it when it has spaces). Null when nothing is left.
    /// </summary>
    public static string? DisplayName(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var name = new StringBuilder(Math.Min(text.Length, 40));
        foreach (char c in text)
        {
            char kept = char.IsLetterOrDigit(c) || c is '.' or '-' ? c : ' ';
            if (name.Length >= 40 || (kept == ' ' && (name.Length == 0 || name[^1] == ' ')))
            {
                continue;
            }

            name.Append(kept);
        }

        string result = name.ToString().TrimEnd();
        return result.Length == 0 ? null : result;
    }

    [GeneratedRegex(@"^\+?[0-9]{3,20}$")]
    private static partial Regex PhoneNumber();

    [GeneratedRegex(@"^[0-9A-Za-z_.*#+-]{1,32}$")]
    private static partial Regex Extension();

    [GeneratedRegex(@"^[A-Za-z0-9._-]{1,128}$")]
    private static partial Regex CallId();
}
