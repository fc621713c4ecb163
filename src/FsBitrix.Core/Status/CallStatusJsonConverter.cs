using System.Text.Json;
using System.Text.Json.Serialization;

namespace FsBitrix.Core.Status;

/// <summary>Writes a <see cref="CallStatus"/> as its code ("200", "603-S"), and reads either a code or a name.</summary>
public sealed class CallStatusJsonConverter : JsonConverter<CallStatus>
{
    public override CallStatus Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        string? text = reader.GetString();
        return CallStatusCodes.Parse(text)
            ?? (Enum.TryParse(text, ignoreCase: false, out CallStatus named) && Enum.IsDefined(named) && !int.TryParse(text, out _)
                ? named
                : throw new JsonException($"'{text}' is not a call status"));
    }

    public override void Write(Utf8JsonWriter writer, CallStatus value, JsonSerializerOptions options) =>
        writer.WriteStringValue(CallStatusCodes.Of(value));
}
