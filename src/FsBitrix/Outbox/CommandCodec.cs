using System.Collections.Frozen;
using System.Text.Json;
using FsBitrix.Core.Calls;

namespace FsBitrix.Outbox;

/// <summary>Stores commands as their type name and JSON, so a restarted service reads back exactly what was queued.</summary>
internal static class CommandCodec
{
    private static readonly FrozenDictionary<string, Type> Types = new[]
    {
        typeof(RegisterCall), typeof(ShowCard), typeof(HideCard), typeof(FinishCall), typeof(AttachRecording),
    }.ToFrozenDictionary(t => t.Name, StringComparer.Ordinal);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.General);

    public static (string Kind, string Payload) Encode(CallCommand command)
    {
        Type type = command.GetType();
        if (!Types.ContainsKey(type.Name))
        {
            throw new ArgumentException($"the outbox does not know how to store a {type.Name}", nameof(command));
        }

        return (type.Name, JsonSerializer.Serialize(command, type, Json));
    }

    public static CallCommand Decode(string kind, string payload) =>
        Types.TryGetValue(kind, out Type? type)
            ? (CallCommand)(JsonSerializer.Deserialize(payload, type, Json)
                ?? throw new InvalidDataException($"empty {kind} in the outbox"))
            : throw new InvalidDataException($"unknown command kind '{kind}' in the outbox");
}
