using System.Text.Json;

namespace FsBitrix.Esl.Protocol;

/// <summary>
/// Indexes a <c>text/event-json</c> body: one flat object whose values are strings or arrays of strings,
/// with the event's own body under <c>_body</c>. Values stay undecoded until read.
/// </summary>
internal static class JsonEventIndexer
{
    public static (int BodyStart, int BodyLength, HeaderValueKind BodyKind) Index(
        byte[] buffer, int start, int end, ref HeaderTable table)
    {
        (int, int, HeaderValueKind) body = (end, 0, HeaderValueKind.Raw);
        try
        {
            var reader = new Utf8JsonReader(buffer.AsSpan(start, end - start), new JsonReaderOptions { MaxDepth = 8 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return body;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                // The name token's offsets exclude its quotes; names FreeSWITCH writes need no escapes.
                int nameStart = start + (int)reader.TokenStartIndex + 1;
                int nameLength = reader.ValueSpan.Length;
                bool isBody = reader.ValueTextEquals("_body"u8);
                reader.Read();
                int valueStart = start + (int)reader.TokenStartIndex;
                HeaderValueKind kind = reader.TokenType switch
                {
                    JsonTokenType.String => HeaderValueKind.JsonString,
                    JsonTokenType.StartArray => HeaderValueKind.JsonArray,
                    _ => HeaderValueKind.JsonLiteral,
                };
                if (kind == HeaderValueKind.JsonArray || reader.TokenType == JsonTokenType.StartObject)
                {
                    reader.Skip();
                }

                int valueEnd = start + (int)reader.BytesConsumed;
                if (isBody)
                {
                    body = (valueStart, valueEnd - valueStart, kind);
                }
                else
                {
                    table.Add(nameStart, nameLength, valueStart, valueEnd - valueStart, kind);
                }
            }
        }
        catch (JsonException)
        {
            // A broken JSON event keeps the headers indexed before the fault: lenient, like plain events.
        }

        return body;
    }
}
