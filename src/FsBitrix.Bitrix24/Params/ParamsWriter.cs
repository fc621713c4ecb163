using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace FsBitrix.Bitrix24.Params;

/// <summary>Writes <see cref="BitrixParams"/> as a JSON body or as a PHP-style query string.</summary>
internal static class ParamsWriter
{
    public static byte[] ToJson(BitrixParams parameters)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteObject(writer, parameters);
        }

        return buffer.WrittenSpan.ToArray();
    }

    public static string ToQuery(BitrixParams parameters)
    {
        var builder = new StringBuilder();
        foreach (KeyValuePair<string, object> item in parameters)
        {
            AppendQuery(builder, item.Key, item.Value);
        }

        return builder.ToString();
    }

    private static void WriteObject(Utf8JsonWriter writer, BitrixParams parameters)
    {
        writer.WriteStartObject();
        foreach (KeyValuePair<string, object> item in parameters)
        {
            writer.WritePropertyName(item.Key);
            WriteValue(writer, item.Value);
        }

        writer.WriteEndObject();
    }

    private static void WriteValue(Utf8JsonWriter writer, object value)
    {
        switch (value)
        {
            case string s: writer.WriteStringValue(s); break;
            case long l: writer.WriteNumberValue(l); break;
            case double d: writer.WriteNumberValue(d); break;
            case bool b: writer.WriteBooleanValue(b); break;
            case BitrixParams nested: WriteObject(writer, nested); break;
            case IReadOnlyList<long> longs:
                writer.WriteStartArray();
                foreach (long l in longs)
                {
                    writer.WriteNumberValue(l);
                }

                writer.WriteEndArray();
                break;
            case IReadOnlyList<string> strings:
                writer.WriteStartArray();
                foreach (string s in strings)
                {
                    writer.WriteStringValue(s);
                }

                writer.WriteEndArray();
                break;
            case Batch.BatchReference: throw new InvalidOperationException("A batch reference ($result[...]) is only valid inside a batch command.");
            default: throw new InvalidOperationException($"Unsupported Bitrix24 parameter type {value.GetType().Name}.");
        }
    }

    private static void AppendQuery(StringBuilder builder, string key, object value)
    {
        switch (value)
        {
            case BitrixParams nested:
                foreach (KeyValuePair<string, object> item in nested)
                {
                    AppendQuery(builder, $"{key}[{item.Key}]", item.Value);
                }

                break;
            case IReadOnlyList<long> longs:
                for (int i = 0; i < longs.Count; i++)
                {
                    AppendPair(builder, $"{key}[{i}]", longs[i].ToString(CultureInfo.InvariantCulture));
                }

                break;
            case IReadOnlyList<string> strings:
                for (int i = 0; i < strings.Count; i++)
                {
                    AppendPair(builder, $"{key}[{i}]", strings[i]);
                }

                break;
            case Batch.BatchReference reference:
                if (builder.Length > 0)
                {
                    builder.Append('&');
                }

                builder.Append(Uri.EscapeDataString(key)).Append('=').Append(reference);
                break;
            default:
                AppendPair(builder, key, Scalar(value));
                break;
        }
    }

    private static string Scalar(object value) => value switch
    {
        string s => s,
        long l => l.ToString(CultureInfo.InvariantCulture),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        _ => throw new InvalidOperationException($"Unsupported Bitrix24 parameter type {value.GetType().Name}."),
    };

    private static void AppendPair(StringBuilder builder, string key, string value)
    {
        if (builder.Length > 0)
        {
            builder.Append('&');
        }

        builder.Append(Uri.EscapeDataString(key)).Append('=').Append(Uri.EscapeDataString(value));
    }
}
