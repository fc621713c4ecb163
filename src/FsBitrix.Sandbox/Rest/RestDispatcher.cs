using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FsBitrix.Sandbox.Faults;
using FsBitrix.Sandbox.OAuth;
using FsBitrix.Sandbox.State;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace FsBitrix.Sandbox.Rest;

/// <summary>
/// <c>/rest/{user}/{code}/{method}</c> (webhook) and <c>/rest/{method}?auth=…</c> (local application): auth check,
/// fault switches, the leaky bucket, then the method. The order mirrors the portal: a wrong code or token never
/// reaches the limiter, a refused request never runs.
/// </summary>
internal sealed class RestDispatcher
{
    private const string JsonContentType = "application/json; charset=utf-8";
    private const int LoggedParameterChars = 4000;
    private readonly Dictionary<string, IRestMethod> _methods;
    private readonly PortalState _state;
    private readonly SandboxOptions _options;
    private readonly SandboxFaults _faults;
    private readonly PortalBucket _bucket;
    private readonly OAuthTokens _tokens;
    private readonly OperatingMeter _operating;

    // Batch commands run inside their batch request and inherit its auth, as on the portal.
    private readonly AsyncLocal<RestCaller?> _caller = new();

    public RestDispatcher(IEnumerable<IRestMethod> methods, PortalState state, SandboxOptions options, SandboxFaults faults, PortalBucket bucket,
        OAuthTokens tokens, OperatingMeter operating)
    {
        _operating = operating;
        _tokens = tokens;
        _methods = methods.ToDictionary(m => m.Name, StringComparer.Ordinal);
        _state = state;
        _options = options;
        _faults = faults;
        _bucket = bucket;
    }

    /// <summary>Runs a method by name without HTTP, auth or limits: what <c>batch</c> does for its commands.</summary>
    public MethodResult Execute(string method, RestParams parameters) =>
        _methods.TryGetValue(NormalizeMethod(method), out IRestMethod? m)
            ? m is ICallerAwareMethod aware ? aware.Invoke(parameters, _caller.Value ?? RestCaller.Webhook(_options.WebhookUserId)) : m.Invoke(parameters)
            : throw new RestError(404, "ERROR_METHOD_NOT_FOUND", "Method not found!");

    /// <summary>Method names are case-insensitive and may end in <c>.json</c> (CRestServer lower-cases them).</summary>
    public static string NormalizeMethod(string method)
    {
        string name = method.Trim().ToLowerInvariant();
        foreach (string suffix in (ReadOnlySpan<string>)[".json", ".xml"])
        {
            if (name.EndsWith(suffix, StringComparison.Ordinal))
            {
                return name[..^suffix.Length];
            }
        }

        return name;
    }

    public async Task HandleAsync(HttpContext http)
    {
        DateTimeOffset started = _state.Time.GetUtcNow();
        http.Items[ArrivedKey] = started;
        string method = NormalizeMethod(http.GetRouteValue("method") as string ?? string.Empty);
        _state.CountArrival(method);
        if (!Authorized(http))
        {
            await WriteJsonAsync(http, method, "{}", 401, Envelope.Error("NO_AUTH_FOUND", "Wrong authorization data")).ConfigureAwait(false);
            return;
        }

        if (await TryReadParamsAsync(http, method).ConfigureAwait(false) is { } parameters)
        {
            await RunAsync(http, method, parameters, RestCaller.Webhook(_options.WebhookUserId), started).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// <c>/rest/{method}</c> with an OAuth access token in <c>auth</c> (query, form or JSON body), <c>access_token</c>,
    /// or <c>Authorization: Bearer</c> (the header wins, as in the portal's <c>getAuthKey</c>).
    /// </summary>
    public async Task HandleAppAsync(HttpContext http)
    {
        DateTimeOffset started = _state.Time.GetUtcNow();
        http.Items[ArrivedKey] = started;
        string method = NormalizeMethod(http.GetRouteValue("method") as string ?? string.Empty);
        _state.CountArrival(method);
        if (await TryReadParamsAsync(http, method).ConfigureAwait(false) is not { } parameters)
        {
            return;
        }

        string header = http.Request.Headers.Authorization.ToString();
        string token = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim() : parameters.String("auth") ?? parameters.String("access_token") ?? string.Empty;
        parameters.Root.Remove("auth");
        parameters.Root.Remove("access_token");
        AccessCheck check = token.Length == 0 ? new AccessCheck(AccessState.Unknown, 0) : _tokens.Check(token);
        JsonObject? refusal = check.State switch
        {
            AccessState.Valid => null,
            AccessState.Expired => Envelope.Error("expired_token", "The access token provided has expired"),
            _ when token.Length == 0 => Envelope.Error("NO_AUTH_FOUND", "Wrong authorization data"),
            _ => Envelope.Error("invalid_token", "The access token provided is invalid"),
        };
        if (refusal is not null)
        {
            await WriteJsonAsync(http, method, "{}", 401, refusal).ConfigureAwait(false);
            return;
        }

        await RunAsync(http, method, parameters, RestCaller.App(check.UserId), started).ConfigureAwait(false);
    }

    private async Task<RestParams?> TryReadParamsAsync(HttpContext http, string method)
    {
        try
        {
            return await ReadParamsAsync(http.Request).ConfigureAwait(false);
        }
        catch (Exception e) when (e is JsonException or InvalidDataException or InvalidOperationException)
        {
            await WriteJsonAsync(http, method, "{}", 400, Envelope.Error("INVALID_REQUEST", $"Request body cannot be read: {e.Message}")).ConfigureAwait(false);
            return null;
        }
    }

    private async Task RunAsync(HttpContext http, string method, RestParams parameters, RestCaller who, DateTimeOffset started)
    {
        string logged = Truncate(parameters.ToString());
        if (_faults.Take(method, latency: false, appCaller: who.IsApp) is { } fault)
        {
            await WriteFaultAsync(http, method, logged, fault).ConfigureAwait(false);
            return;
        }

        if (!_bucket.TryTake())
        {
            await WriteJsonAsync(http, method, logged, 503, Envelope.Error("QUERY_LIMIT_EXCEEDED", "Too many requests")).ConfigureAwait(false);
            return;
        }

        // The outer batch costs nothing: its commands are counted one by one.
        if (method != "batch" && _operating.Blocked(method, out DateTimeOffset resetAt))
        {
            await WriteJsonAsync(http, method, logged, 429, OperationTimeLimit(resetAt)).ConfigureAwait(false);
            return;
        }

        DateTimeOffset arrived = Arrived(http);
        _caller.Value = who;
        if (_methods.GetValueOrDefault(method) is IPrefetchingMethod prefetching)
        {
            await prefetching.PrefetchAsync(parameters, http.RequestAborted).ConfigureAwait(false);
        }

        (int status, JsonObject body) = _state.Atomically(
            () =>
            {
                try
                {
                    MethodResult result = Execute(method, parameters);
                    return (200, Envelope.Success(result, started, _state.Time.GetUtcNow(), _options.PortalUtcOffset,
                        method == "batch" || !_operating.On ? null : _operating.Run(method)));
                }
                catch (RestError e)
                {
                    return (e.Status, Envelope.Error(e.Error, e.Description));
                }
            },
            answer => new SandboxRequest(arrived, method, answer.Item1, ErrorOf(answer.Item2), logged));

        if (_faults.Take(method, latency: true, appCaller: who.IsApp) is { } slow)
        {
            // The method already ran: a client that gives up now has lost the answer, not the effect.
            try
            {
                await Task.Delay(slow.Latency, http.RequestAborted).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }

        await WriteAsync(http, status, body).ConfigureAwait(false);
    }

    /// <summary>The 429 of a method past its operating time, with when the portal lets it run again.</summary>
    internal static JsonObject OperationTimeLimit(DateTimeOffset resetAt)
    {
        JsonObject body = Envelope.Error("OPERATION_TIME_LIMIT", "Method is blocked due to operation time limit.");
        body["time"] = new JsonObject { ["operating_reset_at"] = resetAt.ToUnixTimeSeconds() };
        return body;
    }

    /// <summary>A batch command of a method past its operating time fails as the method's own request would.</summary>
    internal void ThrowIfOperatingUsedUp(string method)
    {
        if (_operating.Blocked(method, out _))
        {
            throw new RestError(429, "OPERATION_TIME_LIMIT", "Method is blocked due to operation time limit.");
        }
    }

    /// <summary>Counts a batch command's run against its method's operating time.</summary>
    internal (double Cost, double Operating, DateTimeOffset ResetAt)? CountOperating(string method) => _operating.On ? _operating.Run(method) : null;

    private static string ErrorOf(JsonObject body) => body["error"]?.GetValue<string>() ?? string.Empty;

    // The request log says when a request arrived, so a client's latency is measured up to the portal's door.
    private const string ArrivedKey = "sandbox.arrived";

    private DateTimeOffset Arrived(HttpContext http) =>
        http.Items.TryGetValue(ArrivedKey, out object? at) && at is DateTimeOffset arrived ? arrived : _state.Time.GetUtcNow();

    private bool Authorized(HttpContext http) =>
        http.GetRouteValue("userId") as string == _options.WebhookUserId.ToString(System.Globalization.CultureInfo.InvariantCulture)
        && string.Equals(http.GetRouteValue("code") as string, _options.WebhookCode, StringComparison.Ordinal);

    private async Task WriteFaultAsync(HttpContext http, string method, string logged, SandboxFault fault)
    {
        switch (fault.Kind)
        {
            case SandboxFaultKind.QueryLimitExceeded:
                await WriteJsonAsync(http, method, logged, 503, Envelope.Error("QUERY_LIMIT_EXCEEDED", "Too many requests")).ConfigureAwait(false);
                break;
            case SandboxFaultKind.InternalServerError:
                await WriteJsonAsync(http, method, logged, 500, Envelope.Error("INTERNAL_SERVER_ERROR", "Internal server error")).ConfigureAwait(false);
                break;
            case SandboxFaultKind.WrongAuthType:
                await WriteJsonAsync(http, method, logged, 403, Envelope.Error("WRONG_AUTH_TYPE", "Current authorization type is denied for this method")).ConfigureAwait(false);
                break;
            case SandboxFaultKind.OperationTimeLimit:
                await WriteJsonAsync(http, method, logged, 429, Envelope.Error("OPERATION_TIME_LIMIT", "Method is blocked due to operation time limit.")).ConfigureAwait(false);
                break;
            case SandboxFaultKind.Outage:
                await WriteHtmlAsync(http, method, logged, 503, "503 Service Temporarily Unavailable").ConfigureAwait(false);
                break;
            case SandboxFaultKind.HtmlErrorPage:
                await WriteHtmlAsync(http, method, logged, 502, "502 Bad Gateway").ConfigureAwait(false);
                break;
            default:
                throw new InvalidOperationException($"Fault {fault.Kind} is not a refusal.");
        }
    }

    private async Task WriteJsonAsync(HttpContext http, string method, string logged, int status, JsonObject body)
    {
        _state.RecordRequest(Arrived(http), method, status, ErrorOf(body), logged);
        await WriteAsync(http, status, body).ConfigureAwait(false);
    }

    private static async Task WriteAsync(HttpContext http, int status, JsonObject body)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = JsonContentType;
        await http.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(body.ToJsonString()), http.RequestAborted).ConfigureAwait(false);
    }

    private async Task WriteHtmlAsync(HttpContext http, string method, string logged, int status, string title)
    {
        _state.RecordRequest(Arrived(http), method, status, string.Empty, logged);
        http.Response.StatusCode = status;
        http.Response.ContentType = "text/html; charset=utf-8";
        string page = $"<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n<center><h1>{title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";
        await http.Response.WriteAsync(page, http.RequestAborted).ConfigureAwait(false);
    }

    private static async Task<RestParams> ReadParamsAsync(HttpRequest request)
    {
        var root = new JsonObject();
        foreach (KeyValuePair<string, Microsoft.Extensions.Primitives.StringValues> item in request.Query)
        {
            foreach (string? value in item.Value)
            {
                PhpForm.Add(root, item.Key, value ?? string.Empty);
            }
        }

        if (request.HasJsonContentType())
        {
            JsonNode? node = await JsonNode.ParseAsync(request.Body, cancellationToken: request.HttpContext.RequestAborted).ConfigureAwait(false);
            if (node is not JsonObject body)
            {
                throw new InvalidDataException("the JSON body must be an object of parameters");
            }

            foreach (KeyValuePair<string, JsonNode?> item in body.ToList())
            {
                body.Remove(item.Key);
                root[item.Key] = item.Value;
            }
        }
        else if (request.HasFormContentType)
        {
            IFormCollection form = await request.ReadFormAsync(request.HttpContext.RequestAborted).ConfigureAwait(false);
            foreach (KeyValuePair<string, Microsoft.Extensions.Primitives.StringValues> item in form)
            {
                foreach (string? value in item.Value)
                {
                    PhpForm.Add(root, item.Key, value ?? string.Empty);
                }
            }
        }

        return new RestParams(root);
    }

    private static string Truncate(string text) => text.Length <= LoggedParameterChars ? text : text[..LoggedParameterChars] + "…";
}
