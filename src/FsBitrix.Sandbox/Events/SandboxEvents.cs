using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FsBitrix.Sandbox.Rest;
using FsBitrix.Sandbox.Rest.Methods;
using FsBitrix.Sandbox.State;

namespace FsBitrix.Sandbox.Events;

/// <summary>
/// Outgoing-webhook events as Bitrix24 delivers them: one form-urlencoded POST with PHP-style keys
/// (<c>data[CALL_ID]</c>, <c>auth[application_token]</c>), no retry on failure. For click-to-call the portal
/// registers the call first, so the event carries a CALL_ID that only needs a finish.
/// </summary>
public sealed partial class SandboxEvents
{
    private readonly RegisterMethod _register;
    private readonly SandboxOptions _options;
    private readonly PortalState _state;
    private readonly HttpClient _http;
    private readonly Lock _gate = new();
    private readonly List<SentEvent> _sent = [];
    private int _handlerId = 1054;

    internal SandboxEvents(RegisterMethod register, SandboxOptions options, PortalState state, HttpClient http)
    {
        _register = register;
        _options = options;
        _state = state;
        _http = http;
    }

    public IReadOnlyList<SentEvent> Sent
    {
        get
        {
            lock (_gate)
            {
                return [.. _sent];
            }
        }
    }

    /// <summary>ONEXTERNALCALLSTART: registers an outgoing call for the clicking user, then posts the event.</summary>
    public async Task<SentEvent> StartClickToCallAsync(ClickToCall click, Uri handlerUrl, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(click);
        CheckLoopback(handlerUrl);
        (string number, string extension) = SplitExtension(click.PhoneNumber);
        var parameters = new JsonObject
        {
            ["USER_ID"] = click.UserId,
            ["PHONE_NUMBER"] = number,
            ["TYPE"] = 1,
            ["LINE_NUMBER"] = click.LineNumber,
            ["CRM_CREATE"] = click.CrmAutoCreate ? 1 : 0,
            ["SHOW"] = 1,
            ["CALL_LIST_ID"] = click.CallListId,
        };
        if (click.CrmEntityType is not null && click.CrmEntityId is { } id)
        {
            parameters["CRM_ENTITY_TYPE"] = click.CrmEntityType;
            parameters["CRM_ENTITY_ID"] = id;
        }

        SandboxLiveCall call;
        try
        {
            call = _register.Register(new RestParams(parameters), startedByClickToCall: true).Call;
        }
        catch (RestError e)
        {
            throw new InvalidOperationException($"The portal could not start the call: {e.Description}", e);
        }

        var data = new List<KeyValuePair<string, string>>
        {
            new("data[PHONE_NUMBER]", click.PhoneNumber),
            new("data[PHONE_NUMBER_INTERNATIONAL]", Phone.International(number)),
            new("data[EXTENSION]", extension),
            new("data[USER_ID]", Text(click.UserId)),
            new("data[CALL_LIST_ID]", Text(click.CallListId)),
            new("data[LINE_NUMBER]", click.LineNumber),
            new("data[IS_MOBILE]", click.IsMobile ? "1" : "0"),
            new("data[CALL_ID]", call.CallId),
            new("data[CRM_ENTITY_TYPE]", call.CrmEntityType),
            new("data[CRM_ENTITY_ID]", Text(call.CrmEntityId ?? 0)),
        };
        if (call.CrmCreatedLead is { } lead)
        {
            data.Add(new("data[CRM_CREATED_LEAD]", Text(lead)));
        }

        return await SendAsync("ONEXTERNALCALLSTART", call.CallId, data, handlerUrl, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>ONEXTERNALCALLBACKSTART: no call is registered; the integration registers a TYPE 4 call itself.</summary>
    public Task<SentEvent> StartCallbackAsync(CallbackRequest callback, Uri handlerUrl, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(callback);
        CheckLoopback(handlerUrl);
        var data = new List<KeyValuePair<string, string>>
        {
            new("data[PHONE_NUMBER]", callback.PhoneNumber),
            new("data[TEXT]", callback.Text),
            new("data[VOICE]", callback.Voice),
            new("data[CRM_ENTITY_TYPE]", callback.CrmEntityType),
            new("data[CRM_ENTITY_ID]", Text(callback.CrmEntityId)),
            new("data[LINE_NUMBER]", callback.LineNumber),
        };
        return SendAsync("ONEXTERNALCALLBACKSTART", null, data, handlerUrl, cancellationToken);
    }

    private async Task<SentEvent> SendAsync(string name, string? callId, List<KeyValuePair<string, string>> data, Uri handlerUrl, CancellationToken cancellationToken)
    {
        var fields = new List<KeyValuePair<string, string>>
        {
            new("event", name),
            new("event_handler_id", Text(Interlocked.Increment(ref _handlerId))),
        };
        fields.AddRange(data);
        fields.Add(new("ts", Text(_state.Time.GetUtcNow().ToUnixTimeSeconds())));
        // An outgoing webhook gets no OAuth tokens, only these five auth fields.
        fields.Add(new("auth[domain]", _options.Domain));
        fields.Add(new("auth[client_endpoint]", $"https://{_options.Domain}/rest/"));
        fields.Add(new("auth[server_endpoint]", "https://oauth.bitrix.info/rest/"));
        fields.Add(new("auth[member_id]", _options.MemberId));
        fields.Add(new("auth[application_token]", _options.ApplicationToken));

        int? status = null;
        string? error = null;
        try
        {
            using var content = new FormUrlEncodedContent(fields);
            using HttpResponseMessage response = await _http.PostAsync(handlerUrl, content, cancellationToken).ConfigureAwait(false);
            status = (int)response.StatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            // Bitrix24 logs the failure and never resends.
            error = e.Message;
        }

        var record = new SentEvent(name, callId, fields, status, error);
        lock (_gate)
        {
            _sent.Add(record);
        }

        return record;
    }

    private void CheckLoopback(Uri handlerUrl)
    {
        ArgumentNullException.ThrowIfNull(handlerUrl);
        if (!handlerUrl.IsAbsoluteUri || !handlerUrl.IsLoopback)
        {
            throw new ArgumentException("The sandbox sends events only to loopback handlers.", nameof(handlerUrl));
        }
    }

    private static (string Number, string Extension) SplitExtension(string phone)
    {
        Match m = ExtensionSuffix().Match(phone);
        return m.Success ? (phone[..m.Index].Trim(), m.Groups[1].Value) : (phone, string.Empty);
    }

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);

    [GeneratedRegex(@"\s*(?:ext\.?|доб\.?|#)\s*(\d+)\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex ExtensionSuffix();
}
