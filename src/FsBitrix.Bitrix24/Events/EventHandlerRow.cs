using System.Text.Json;
using FsBitrix.Bitrix24.Json;

namespace FsBitrix.Bitrix24.Events;

/// <summary>
/// One row of <c>event.get</c>: an event this application is bound to, either online (posted to
/// <see cref="Handler"/>) or offline (queued for <c>event.offline.get</c>).
/// </summary>
public sealed record EventHandlerRow(string EventName, Uri? Handler, bool Offline, string ConnectorId)
{
    internal static EventHandlerRow Read(JsonElement row)
    {
        string? handler = JsonRead.String(row, "handler");
        return new EventHandlerRow(
            (JsonRead.String(row, "event") ?? string.Empty).ToUpperInvariant(),
            Uri.TryCreate(handler, UriKind.Absolute, out Uri? url) ? url : null,
            JsonRead.Long(row, "offline") is 1,
            JsonRead.String(row, "connector_id") ?? string.Empty);
    }
}
