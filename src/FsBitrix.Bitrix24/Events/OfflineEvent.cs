using System.Text.Json;
using FsBitrix.Bitrix24.Json;

namespace FsBitrix.Bitrix24.Events;

/// <summary>
/// One row of <c>event.offline.get</c>. <see cref="Data"/> is the <c>data</c> an online handler would get, but as
/// JSON with native types (numbers, booleans) rather than form strings.
/// </summary>
public sealed record OfflineEvent(string Id, string EventName, JsonElement Data, string MessageId)
{
    internal static OfflineEvent Read(JsonElement row) => new(
        JsonRead.String(row, "ID") ?? string.Empty,
        (JsonRead.String(row, "EVENT_NAME") ?? string.Empty).ToUpperInvariant(),
        // Cloned: the response's document goes back to the pool when the call returns.
        JsonRead.Property(row, "EVENT_DATA") is { ValueKind: JsonValueKind.Object } data ? data.Clone() : default,
        JsonRead.String(row, "MESSAGE_ID") ?? string.Empty);
}
