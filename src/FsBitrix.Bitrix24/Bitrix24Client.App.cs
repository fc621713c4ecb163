using System.Text.Json;
using FsBitrix.Bitrix24.Errors;
using FsBitrix.Bitrix24.Events;
using FsBitrix.Bitrix24.Json;
using FsBitrix.Bitrix24.Params;
using FsBitrix.Bitrix24.Retry;

namespace FsBitrix.Bitrix24;

/// <summary>Methods only a local application may call (webhooks get <c>WRONG_AUTH_TYPE</c>).</summary>
public sealed partial class Bitrix24Client
{
    /// <summary>
    /// <c>event.bind</c>: an online row posts to <paramref name="handler"/>, an offline row (<paramref name="handler"/>
    /// null) queues for <c>event.offline.get</c>. False when the row already exists ("Handler already binded").
    /// </summary>
    public async Task<bool> BindEventAsync(string eventName, Uri? handler, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(eventName);
        var parameters = new BitrixParams().Add("event", eventName);
        parameters = handler is null ? parameters.Add("event_type", "offline") : parameters.Add("handler", handler.AbsoluteUri).Add("event_type", "online");
        try
        {
            return await CallAsync(Bitrix24Methods.EventBind, parameters, RetryRule.Idempotent, static _ => true, cancellationToken).ConfigureAwait(false);
        }
        catch (Bitrix24Exception e) when (e.ErrorDescription.Contains("already binded", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
    }

    /// <summary><c>event.get</c>: every event this application is bound to, online and offline.</summary>
    public Task<IReadOnlyList<EventHandlerRow>> GetEventHandlersAsync(CancellationToken cancellationToken = default) =>
        CallAsync<IReadOnlyList<EventHandlerRow>>(Bitrix24Methods.EventGet, new BitrixParams(), RetryRule.Idempotent,
            static r => r.Result.ValueKind == JsonValueKind.Array ? [.. r.Result.EnumerateArray().Select(EventHandlerRow.Read)] : [],
            cancellationToken);

    /// <summary>
    /// <c>event.unbind</c> of one online row (<paramref name="handler"/>) or of the offline rows (null); returns how
    /// many rows went, 0 when there was none.
    /// </summary>
    public Task<int> UnbindEventAsync(string eventName, Uri? handler, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(eventName);
        var parameters = new BitrixParams().Add("event", eventName);
        parameters = handler is null ? parameters.Add("event_type", "offline") : parameters.Add("handler", handler.AbsoluteUri).Add("event_type", "online");
        return CallAsync(Bitrix24Methods.EventUnbind, parameters, RetryRule.Idempotent,
            static r => JsonRead.Int(r.Result, "count") ?? 0, cancellationToken);
    }

    /// <summary>
    /// <c>event.offline.get</c> with <c>clear=1</c>: the oldest events, deleted in the same call, so each is seen once
    /// (<c>clear=0</c> needs a plan feature most portals lack). Not resent after a timeout: it may have cleared them.
    /// </summary>
    public Task<IReadOnlyList<OfflineEvent>> TakeOfflineEventsAsync(int limit = 50, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        var parameters = new BitrixParams().AddFlag("clear", true).Add("limit", limit);
        return CallAsync<IReadOnlyList<OfflineEvent>>(Bitrix24Methods.EventOfflineGet, parameters, RetryRule.OnlyIfNotExecuted,
            static r => JsonRead.Property(r.Result, "events") is { ValueKind: JsonValueKind.Array } events
                ? [.. events.EnumerateArray().Select(OfflineEvent.Read)]
                : [],
            cancellationToken);
    }

    /// <summary><c>telephony.externalLine.add</c>; false when the app already has the line.</summary>
    public async Task<bool> AddExternalLineAsync(string number, string? name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(number);
        var parameters = new BitrixParams().Add("NUMBER", number).AddIfNotNull("NAME", name);
        try
        {
            return await CallAsync(Bitrix24Methods.ExternalLineAdd, parameters, RetryRule.Idempotent, static _ => true, cancellationToken).ConfigureAwait(false);
        }
        catch (Bitrix24Exception e) when (e.ErrorDescription.Contains("already exists", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
    }
}
