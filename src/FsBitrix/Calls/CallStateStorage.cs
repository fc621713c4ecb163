using System.Text.Json;
using FsBitrix.Core.Calls;

namespace FsBitrix.Calls;

/// <summary>How a live call's reducer state is kept in the outbox database between restarts.</summary>
internal static class CallStateStorage
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.General);

    public static string Serialize(CallState state) => JsonSerializer.Serialize(state, Json);

    public static CallState? Deserialize(string json) => JsonSerializer.Deserialize<CallState>(json, Json);
}
