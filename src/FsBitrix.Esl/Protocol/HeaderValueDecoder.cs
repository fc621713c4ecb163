using System.Text;
using System.Text.Json;

namespace FsBitrix.Esl.Protocol;

internal static class HeaderValueDecoder
{
    public static string Decode(ReadOnlySpan<byte> raw, HeaderValueKind kind) => kind switch
    {
        HeaderValueKind.PercentEncoded => PercentDecoding.Decode(raw),
        HeaderValueKind.JsonString => DecodeJsonString(raw),
        HeaderValueKind.JsonArray => string.Join('|', DecodeJsonArray(raw)),
        _ => Encoding.UTF8.GetString(raw),
    };

    /// <summary>All values of one header: JSON arrays and FreeSWITCH's <c>ARRAY::a|:b</c> form are split.</summary>
    public static IReadOnlyList<string> DecodeMany(ReadOnlySpan<byte> raw, HeaderValueKind kind)
    {
        if (kind == HeaderValueKind.JsonArray)
        {
            return DecodeJsonArray(raw);
        }

        string value = Decode(raw, kind);
        const string prefix = "ARRAY::";
        return value.StartsWith(prefix, StringComparison.Ordinal)
            ? value[prefix.Length..].Split("|:")
            : [value];
    }

    private static string DecodeJsonString(ReadOnlySpan<byte> quoted)
    {
        // Fast path: no escapes between the quotes.
        ReadOnlySpan<byte> inner = quoted[1..^1];
        if (inner.IndexOf((byte)'\\') < 0)
        {
            return Encoding.UTF8.GetString(inner);
        }

        var reader = new Utf8JsonReader(ValidUtf8(quoted));
        reader.Read();
        return reader.GetString() ?? string.Empty;
    }

    private static List<string> DecodeJsonArray(ReadOnlySpan<byte> array)
    {
        var values = new List<string>();
        var reader = new Utf8JsonReader(ValidUtf8(array));
        reader.Read();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            values.Add(reader.TokenType == JsonTokenType.String
                ? reader.GetString() ?? string.Empty
                : Encoding.UTF8.GetString(reader.ValueSpan));
        }

        return values;
    }

    // FreeSWITCH passes on whatever bytes a SIP peer put in a header (a caller name in Latin-1): the JSON reader would
    // throw on them when unescaping. Invalid sequences become U+FFFD, as on the unescaped fast path.
    private static ReadOnlySpan<byte> ValidUtf8(ReadOnlySpan<byte> json) =>
        System.Text.Unicode.Utf8.IsValid(json) ? json : Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(json));
}
