using System.Globalization;
using System.Text.Json.Nodes;
using FsBitrix.Sandbox.Events;
using FsBitrix.Sandbox.Rest;
using FsBitrix.Sandbox.Rest.Methods;

namespace FsBitrix.Sandbox.OAuth;

/// <summary>
/// What the portal sends to the application: ONAPPINSTALL (with both tokens, the only event that carries the
/// refresh token) and ONEXTERNALCALLSTART (with a fresh access token of the clicking user and no refresh token,
/// S-SENDER). Online rows get a PHP-style form POST, offline rows a queue entry with native JSON types.
/// </summary>
internal sealed class AppEventSender(
    RegisterMethod register, OAuthTokens tokens, AppIdentity identity, EventBindings bindings, OfflineQueue offline, HttpClient http)
{
    private int _handlerId = 2054;

    public async Task<SentEvent> SendInstallAsync(Uri installUrl, TokenPair pair, CancellationToken cancellationToken)
    {
        CheckLoopback(installUrl);
        var fields = new List<KeyValuePair<string, string>>
        {
            new("event", "ONAPPINSTALL"),
            new("data[VERSION]", "1"),
            new("data[ACTIVE]", "Y"),
            new("data[INSTALLED]", "Y"),
            new("data[LANGUAGE_ID]", "en"),
            new("ts", AppIdentity.Unix(tokens.Now)),
            new("auth[access_token]", pair.AccessToken),
            new("auth[expires]", AppIdentity.Unix(pair.Expires)),
            new("auth[expires_in]", AppIdentity.Seconds(pair.Expires - tokens.Now)),
            new("auth[scope]", AppIdentity.Scope),
            new("auth[domain]", identity.Domain),
            new("auth[server_endpoint]", identity.ServerEndpoint),
            new("auth[status]", AppIdentity.Status),
            new("auth[client_endpoint]", identity.ClientEndpoint),
            new("auth[member_id]", identity.Options.MemberId),
            new("auth[user_id]", pair.UserId.ToString(CultureInfo.InvariantCulture)),
            new("auth[refresh_token]", pair.RefreshToken),
            new("auth[application_token]", identity.Options.ApplicationToken),
        };
        return await PostAsync("ONAPPINSTALL", null, installUrl, fields, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<SentEvent>> ClickToCallAsync(ClickToCall click, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(click);
        IReadOnlyList<EventBinding> rows = bindings.For("ONEXTERNALCALLSTART");
        if (rows.Count == 0)
        {
            // Without a row the app is not offered as an outgoing line, so a click cannot reach it (S-VIHELP).
            throw new InvalidOperationException("The application has no ONEXTERNALCALLSTART binding: the portal would not offer it for calls.");
        }

        var parameters = new JsonObject
        {
            ["USER_ID"] = click.UserId,
            ["PHONE_NUMBER"] = click.PhoneNumber,
            ["TYPE"] = 1,
            ["LINE_NUMBER"] = click.LineNumber,
            ["CRM_CREATE"] = click.CrmAutoCreate ? 1 : 0,
            ["SHOW"] = 1,
            ["CALL_LIST_ID"] = click.CallListId,
        };
        if (click.CrmEntityType is not null && click.CrmEntityId is { } entity)
        {
            parameters["CRM_ENTITY_TYPE"] = click.CrmEntityType;
            parameters["CRM_ENTITY_ID"] = entity;
        }

        State.SandboxLiveCall call;
        try
        {
            call = register.Register(new RestParams(parameters), startedByClickToCall: true).Call;
        }
        catch (RestError e)
        {
            throw new InvalidOperationException($"The portal could not start the call: {e.Description}", e);
        }

        var data = new JsonObject
        {
            ["PHONE_NUMBER"] = click.PhoneNumber,
            ["PHONE_NUMBER_INTERNATIONAL"] = Phone.International(click.PhoneNumber),
            ["EXTENSION"] = string.Empty,
            ["USER_ID"] = click.UserId,
            ["CALL_LIST_ID"] = click.CallListId,
            ["LINE_NUMBER"] = click.LineNumber,
            ["IS_MOBILE"] = click.IsMobile,
            ["CALL_ID"] = call.CallId,
            ["CRM_ENTITY_TYPE"] = call.CrmEntityType,
            ["CRM_ENTITY_ID"] = call.CrmEntityId ?? 0,
        };
        var sent = new List<SentEvent>();
        foreach (EventBinding row in rows)
        {
            if (row.Offline)
            {
                offline.Add("ONEXTERNALCALLSTART", (JsonObject)data.DeepClone(), click.UserId, tokens.Now);
                continue;
            }

            sent.Add(await PostAsync("ONEXTERNALCALLSTART", call.CallId, new Uri(row.Handler!), EventFields(data, row.AuthType > 0 ? row.AuthType : click.UserId), cancellationToken).ConfigureAwait(false));
        }

        return sent;
    }

    private List<KeyValuePair<string, string>> EventFields(JsonObject data, int authUserId)
    {
        (string token, DateTimeOffset expires) = tokens.IssueAccess(authUserId);
        var fields = new List<KeyValuePair<string, string>>
        {
            new("event", "ONEXTERNALCALLSTART"),
            new("event_handler_id", Interlocked.Increment(ref _handlerId).ToString(CultureInfo.InvariantCulture)),
        };

        // Form-encoded, every value is a string; PHP sends booleans as "1"/"".
        fields.AddRange(data.Select(kv => new KeyValuePair<string, string>($"data[{kv.Key}]",
            kv.Value is JsonValue v ? RestParams.Scalar(v) ?? string.Empty : string.Empty)));
        fields.Add(new("ts", AppIdentity.Unix(tokens.Now)));
        fields.Add(new("auth[access_token]", token));
        fields.Add(new("auth[expires]", AppIdentity.Unix(expires)));
        fields.Add(new("auth[expires_in]", AppIdentity.Seconds(expires - tokens.Now)));
        fields.Add(new("auth[scope]", AppIdentity.Scope));
        fields.Add(new("auth[domain]", identity.Domain));
        fields.Add(new("auth[server_endpoint]", identity.ServerEndpoint));
        fields.Add(new("auth[status]", AppIdentity.Status));
        fields.Add(new("auth[client_endpoint]", identity.ClientEndpoint));
        fields.Add(new("auth[member_id]", identity.Options.MemberId));
        fields.Add(new("auth[application_token]", identity.Options.ApplicationToken));
        return fields;
    }

    private async Task<SentEvent> PostAsync(string name, string? callId, Uri url, List<KeyValuePair<string, string>> fields, CancellationToken cancellationToken)
    {
        int? status = null;
        string? error = null;
        try
        {
            using var content = new FormUrlEncodedContent(fields);
            using HttpResponseMessage response = await http.PostAsync(url, content, cancellationToken).ConfigureAwait(false);
            status = (int)response.StatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            // Bitrix24 logs the failure and never resends (D-EV).
            error = e.Message;
        }

        return new SentEvent(name, callId, fields, status, error);
    }

    private static void CheckLoopback(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (!url.IsAbsoluteUri || !url.IsLoopback)
        {
            throw new ArgumentException("The sandbox sends events only to loopback handlers.", nameof(url));
        }
    }
}
