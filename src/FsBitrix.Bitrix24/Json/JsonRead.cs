using System.Globalization;
using System.Text.Json;

namespace FsBitrix.Bitrix24.Json;

/// <summary>
/// Tolerant readers for PHP-made JSON: IDs arrive as strings or numbers, empty maps as <c>[]</c>,
/// dates as <c>{}</c>, missing fields as absent or null.
/// </summary>
internal static class JsonRead
{
    public static JsonElement? Property(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out JsonElement value) && value.ValueKind != JsonValueKind.Null
            ? value
            : null;

    public static string? String(JsonElement obj, string name) => Property(obj, name) is { } v ? AsString(v) : null;

    public static long? Long(JsonElement obj, string name) => Property(obj, name) is { } v ? AsLong(v) : null;

    public static int? Int(JsonElement obj, string name) => Long(obj, name) is { } l && l is >= int.MinValue and <= int.MaxValue ? (int)l : null;

    public static double? Double(JsonElement obj, string name)
    {
        if (Property(obj, name) is not { } v)
        {
            return null;
        }

        return v.ValueKind switch
        {
            JsonValueKind.Number => v.GetDouble(),
            JsonValueKind.String when double.TryParse(v.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out double d) => d,
            _ => null,
        };
    }

    public static bool? Bool(JsonElement obj, string name)
    {
        if (Property(obj, name) is not { } v)
        {
            return null;
        }

        return v.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Number => v.GetDouble() != 0,
            JsonValueKind.String => v.GetString() is "Y" or "1" or "true",
            _ => null,
        };
    }

    public static string? AsString(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.True => "1",
        JsonValueKind.False => string.Empty,
        _ => null,
    };

    public static long? AsLong(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Number when value.TryGetInt64(out long l) => l,
        JsonValueKind.String when long.TryParse(value.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out long l) => l,
        _ => null,
    };

    /// <summary>Items of a JSON array, or the values of a PHP "array" that came out as an object.</summary>
    public static IEnumerable<JsonElement> Items(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Array => value.EnumerateArray(),
        JsonValueKind.Object => value.EnumerateObject().Select(p => p.Value),
        _ => [],
    };

    /// <summary>Named members of a map; an empty PHP map arrives as <c>[]</c> and yields nothing.</summary>
    public static IEnumerable<JsonProperty> Members(JsonElement value) =>
        value.ValueKind == JsonValueKind.Object ? value.EnumerateObject() : [];
}
