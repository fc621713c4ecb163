using System.Text;
using System.Text.Json;

namespace FsBitrix.ClickToCall;

/// <summary>
/// An event body as flat PHP-style keys (<c>data[CALL_ID]</c>, <c>auth[application_token]</c>), read from
/// <c>application/x-www-form-urlencoded</c> (what Bitrix24 sends) or from JSON (its documented rendering).
/// Anything ambiguous — a key sent twice, brackets that do not close, nesting deeper than Bitrix24 uses — is
/// refused with a reason rather than guessed at.
/// </summary>
internal static class EventFields
{
    private const int MaxDepth = 3;

    public static bool TryParse(string? contentType, ReadOnlySpan<byte> body,
        out Dictionary<string, string> fields, out string error)
    {
        fields = new Dictionary<string, string>(StringComparer.Ordinal);
        string type = (contentType ?? string.Empty).Split(';')[0].Trim();
        try
        {
            error = type switch
            {
                "application/x-www-form-urlencoded" => ReadForm(Encoding.UTF8.GetString(body), fields),
                "application/json" => ReadJson(body, fields),
                _ => $"unsupported Content-Type '{type}': Bitrix24 sends application/x-www-form-urlencoded",
            };
        }
        catch (Exception ex) when (ex is JsonException or UriFormatException or DecoderFallbackException)
        {
            error = "the body cannot be read: " + ex.Message;
        }

        return error.Length == 0;
    }

    private static string ReadForm(string body, Dictionary<string, string> fields)
    {
        foreach (string pair in body.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = pair.IndexOf('=', StringComparison.Ordinal);
            string key = Decode(eq < 0 ? pair : pair[..eq]);
            string value = Decode(eq < 0 ? string.Empty : pair[(eq + 1)..]);
            if (KeyProblem(key) is { } problem)
            {
                return problem;
            }

            if (!fields.TryAdd(key, value))
            {
                return $"field '{key}' is sent twice";
            }
        }

        return fields.Count == 0 ? "the body is empty" : string.Empty;
    }

    private static string ReadJson(ReadOnlySpan<byte> body, Dictionary<string, string> fields)
    {
        // The JSON reader checks structure, not the UTF-8 inside strings: a bad byte would throw later, from a name or
        // value being read, as a crash instead of this refusal.
        if (!System.Text.Unicode.Utf8.IsValid(body))
        {
            return "the JSON body is not UTF-8";
        }

        using JsonDocument document = JsonDocument.Parse(body.ToArray());
        return document.RootElement.ValueKind == JsonValueKind.Object
            ? Flatten(document.RootElement, null, 0, fields)
            : "a JSON event must be an object";
    }

    private static string Flatten(JsonElement node, string? prefix, int depth, Dictionary<string, string> fields)
    {
        if (depth > MaxDepth)
        {
            return $"'{prefix}' is nested deeper than a Bitrix24 event";
        }

        foreach (JsonProperty p in node.EnumerateObject())
        {
            if (p.Name.Length == 0 || p.Name.AsSpan().IndexOfAny("[]") >= 0)
            {
                return $"JSON property name '{p.Name}' is not a Bitrix24 field name";
            }

            string key = prefix is null ? p.Name : $"{prefix}[{p.Name}]";
            string problem = p.Value.ValueKind switch
            {
                JsonValueKind.Object => Flatten(p.Value, key, depth + 1, fields),
                JsonValueKind.Array => string.Empty, // e.g. CRM_CREATED_ENTITIES: nothing the service reads
                JsonValueKind.Null => string.Empty,
                JsonValueKind.String => fields.TryAdd(key, p.Value.GetString()!) ? string.Empty : $"field '{key}' is sent twice",
                _ => fields.TryAdd(key, p.Value.GetRawText()) ? string.Empty : $"field '{key}' is sent twice",
            };
            if (problem.Length > 0)
            {
                return problem;
            }
        }

        return string.Empty;
    }

    /// <summary><c>name</c> or <c>name[a]</c> or <c>name[a][b]</c>: the shapes PHP builds arrays from.</summary>
    private static string? KeyProblem(string key)
    {
        int open = key.IndexOf('[', StringComparison.Ordinal);
        string root = open < 0 ? key : key[..open];
        if (root.Length == 0 || root.AsSpan().IndexOfAny("]\r\n") >= 0)
        {
            return $"malformed field name '{Shorten(key)}'";
        }

        int depth = 0;
        for (int i = open; i >= 0 && i < key.Length; depth++)
        {
            int close = key.IndexOf(']', i);
            if (key[i] != '[' || close < 0 || key.AsSpan(i + 1, close - i - 1).IndexOfAny("[\r\n") >= 0)
            {
                return $"malformed field name '{Shorten(key)}': brackets do not pair";
            }

            i = close + 1 == key.Length ? -1 : close + 1;
        }

        return depth > MaxDepth ? $"field name '{Shorten(key)}' is nested deeper than a Bitrix24 event" : null;
    }

    private static string Decode(string text) => Uri.UnescapeDataString(text.Replace('+', ' '));

    private static string Shorten(string key) => key.Length > 60 ? key[..60] + "…" : key;
}
