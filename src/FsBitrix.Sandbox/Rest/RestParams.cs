using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FsBitrix.Sandbox.Rest;

/// <summary>
/// Request parameters as PHP sees <c>$_REQUEST</c>: a tree of maps and strings whether they came from JSON,
/// a form or the query string. Readers follow PHP's casts, because that is what the portal does with them.
/// </summary>
internal sealed class RestParams(JsonObject root)
{
    public JsonObject Root { get; } = root;

    public bool Has(string name) => Get(name) is not null;

    public JsonNode? Get(string name) => Root.TryGetPropertyValue(name, out JsonNode? node) ? node : null;

    /// <summary>True only for JSON strings and form values, as <c>is_string</c> would say.</summary>
    public bool IsString(string name) => Get(name) is JsonValue v && v.GetValueKind() == JsonValueKind.String;

    public string? String(string name) => Get(name) is JsonValue v ? Scalar(v) : null;

    /// <summary>PHP <c>(int)</c>: leading digits, anything else is 0.</summary>
    public long Long(string name) => Get(name) is JsonValue v ? ToLong(v) : 0;

    public double Double(string name)
    {
        if (Get(name) is not JsonValue v)
        {
            return 0;
        }

        string? text = Scalar(v);
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) ? d : 0;
    }

    /// <summary>PHP truthiness: null, "", "0", 0 and false are false; everything else, "N" included, is true.</summary>
    public bool? Bool(string name) => Get(name) switch
    {
        null => null,
        JsonValue v when v.GetValueKind() is JsonValueKind.True => true,
        JsonValue v when v.GetValueKind() is JsonValueKind.False => false,
        JsonValue v => Scalar(v) is { } s && s.Length > 0 && s != "0" && !(double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) && d == 0),
        JsonObject o => o.Count > 0,
        JsonArray a => a.Count > 0,
        _ => null,
    };

    /// <summary>A scalar or a list of scalars (<c>USER_ID=5</c>, <c>USER_ID[0]=5</c>, or a JSON array).</summary>
    public IReadOnlyList<string> List(string name) => Get(name) switch
    {
        null => [],
        JsonValue v => Scalar(v) is { } s ? [s] : [],
        JsonArray a => [.. a.OfType<JsonValue>().Select(Scalar).OfType<string>()],
        JsonObject o => [.. o.Select(p => p.Value).OfType<JsonValue>().Select(Scalar).OfType<string>()],
        _ => [],
    };

    public RestParams? Object(string name) => Get(name) is JsonObject o ? new RestParams(o) : null;

    /// <summary>First of the given names that is present (user.get accepts FILTER and filter).</summary>
    public string? Pick(params string[] names) => names.FirstOrDefault(Has);

    public static string? Scalar(JsonValue value) => value.GetValueKind() switch
    {
        JsonValueKind.String => value.GetValue<string>(),
        JsonValueKind.Number => value.ToJsonString(),
        JsonValueKind.True => "1",
        JsonValueKind.False => string.Empty,
        _ => null,
    };

    public static long ToLongText(string text) => ToLong(JsonValue.Create(text));

    public static long ToLong(JsonValue value)
    {
        if (value.GetValueKind() == JsonValueKind.Number)
        {
            // The node may wrap any CLR number (or JSON text), so go through its JSON form.
            string number = value.ToJsonString();
            return long.TryParse(number, NumberStyles.Integer, CultureInfo.InvariantCulture, out long l)
                ? l
                : (long)double.Parse(number, NumberStyles.Float, CultureInfo.InvariantCulture);
        }

        if (value.GetValueKind() == JsonValueKind.True)
        {
            return 1;
        }

        string s = (Scalar(value) ?? string.Empty).Trim();
        int end = s.Length > 0 && s[0] is '-' or '+' ? 1 : 0;
        while (end < s.Length && char.IsAsciiDigit(s[end]))
        {
            end++;
        }

        return long.TryParse(s.AsSpan(0, end), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long n) ? n : 0;
    }

    public override string ToString() => Root.ToJsonString();
}
