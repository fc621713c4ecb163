using System.Text.Json;
using FsBitrix.Core.Calls;

namespace FsBitrix.Core.Persistence;

/// <summary>
/// A live call's state as JSON, for the service to store after every step and resume from after a restart. The
/// round trip is exact: every settable field, enums by name (stable if an enum is reordered), times with their
/// offsets. Derived values (<see cref="CallState.IsOver"/>) are not written. The router is not stored: it is
/// <see cref="Routing.CallRouter.Rebuild"/> of the stored calls.
/// </summary>
public static class CallStateJson
{
    public static string Serialize(CallState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return JsonSerializer.Serialize(state, CallStateJsonContext.Default.CallState);
    }

    /// <exception cref="JsonException">Not a stored call state.</exception>
    public static CallState Deserialize(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        CallState? state = JsonSerializer.Deserialize(json, CallStateJsonContext.Default.CallState);
        return state is { CallKey: not null, Legs: not null, CardsShownTo: not null, Recordings: not null }
            ? state
            : throw new JsonException("Not a stored call state: " + (json.Length > 80 ? json[..80] + "…" : json));
    }
}
