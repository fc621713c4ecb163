using System.Diagnostics;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using FsBitrix.Bitrix24.Auth;
using FsBitrix.Bitrix24.Errors;
using FsBitrix.Bitrix24.Json;
using FsBitrix.Bitrix24.Retry;
using Microsoft.Extensions.Logging;
using RestSharp;

namespace FsBitrix.Bitrix24.Transport;

/// <summary>One attempt of one REST call: POST JSON, read the envelope, turn every failure into a <see cref="Bitrix24Exception"/>.</summary>
internal sealed partial class Bitrix24Transport : IDisposable
{
    private readonly RestClient _rest;
    private readonly IBitrix24Auth _auth;
    private readonly OperatingLimits _operatingLimits;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public Bitrix24Transport(IBitrix24Auth auth, TimeSpan timeout, HttpMessageHandler? handler, OperatingLimits operatingLimits, TimeProvider time, ILogger logger)
    {
        _auth = auth;
        _operatingLimits = operatingLimits;
        _time = time;
        _logger = logger;
        // No base URL: each request names its endpoint, which in app mode is known only after the install call.
        var options = new RestClientOptions
        {
            Timeout = timeout,
            ThrowOnAnyError = false,
            UserAgent = "FsBitrix",
        };
        if (handler is not null)
        {
            options.ConfigureMessageHandler = _ => handler;
        }

        _rest = new RestClient(options);
    }

    public async Task<T> SendAsync<T>(string method, string body, Bitrix24Credential credential, Func<Bitrix24Response, T> map, CancellationToken cancellationToken)
    {
        if (_operatingLimits.BlockedUntil(method) is { } blockedUntil)
        {
            // Bitrix24 asks not to call a method blocked by the operating-time limit before it is released.
            throw new Bitrix24Exception(method, Bitrix24ErrorKind.OperationTimeLimit, null, "OPERATION_TIME_LIMIT",
                "Method is blocked due to operation time limit (not sent: waiting for operating_reset_at).", mayHaveExecuted: false, retryAt: blockedUntil);
        }

        var request = new RestRequest(new Uri(credential.Endpoint, method), Method.Post)
        {
            // The answer is read into memory within the timeout, then taken as it is (see BufferedAnswer).
            CompletionOption = HttpCompletionOption.ResponseContentRead,
            AdvancedResponseWriter = BufferedAnswer.Read,
        }.AddStringBody(body, ContentType.Json);
        if (credential.AccessToken is { } token)
        {
            // In the query, not the body: the body is serialized once for all retries, the token may be renewed between them.
            request.AddQueryParameter("auth", token);
        }

        long started = _time.GetTimestamp();
        RestResponse response = await _rest.ExecuteAsync(request, cancellationToken).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        TimeSpan elapsed = _time.GetElapsedTime(started);

        if (response.ResponseStatus == ResponseStatus.TimedOut)
        {
            throw Fail(method, Bitrix24ErrorKind.Transient, null, string.Empty, $"no answer within {elapsed.TotalSeconds:0.###} s (timed out)", mayHaveExecuted: true);
        }

        if (response.StatusCode == 0)
        {
            bool notSent = IsConnectFailure(response.ErrorException);
            string what = notSent ? "connection failed before the request was sent" : "connection broke after the request was sent";
            throw Fail(method, Bitrix24ErrorKind.Transient, null, string.Empty, $"{what}: {response.ErrorException?.Message ?? response.ErrorMessage}", mayHaveExecuted: !notSent);
        }

        int status = (int)response.StatusCode;
        if (!IsJson(response.ContentType))
        {
            throw NonJson(method, status, response);
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(response.RawBytes ?? []);
        }
        catch (JsonException e)
        {
            throw Fail(method, status >= 500 ? Bitrix24ErrorKind.Transient : Bitrix24ErrorKind.BadRequest, status, string.Empty, $"malformed JSON: {e.Message}", mayHaveExecuted: status >= 500);
        }

        using (document)
        {
            JsonElement root = document.RootElement;
            string? error = JsonRead.String(root, "error");
            if (status == 200 && error is null && root.ValueKind == JsonValueKind.Object && root.TryGetProperty("result", out _))
            {
                var envelope = new Bitrix24Response(root);
                // The outer batch costs no operating time; its commands are observed one by one by the client.
                if (method != Bitrix24Methods.Batch)
                {
                    _operatingLimits.Observe(method, JsonRead.Property(root, "time"));
                }

                LogCompleted(_logger, method, status, elapsed.TotalMilliseconds);
                return map(envelope);
            }

            string description = JsonRead.String(root, "error_description") ?? (error is null ? "answer has neither result nor error" : string.Empty);
            Bitrix24ErrorKind kind = ErrorClassifier.Classify(status, error ?? string.Empty, description);
            DateTimeOffset? retryAt = null;
            if (kind == Bitrix24ErrorKind.OperationTimeLimit)
            {
                retryAt = _operatingLimits.Block(method, new Bitrix24Response(root).OperatingResetAt);
            }

            throw Fail(method, kind, status, error ?? string.Empty, description, ErrorClassifier.MayHaveExecuted(kind, status), retryAt);
        }
    }

    public void Dispose() => _rest.Dispose();

    private Bitrix24Exception NonJson(string method, int status, RestResponse response)
    {
        // Proxies and overloaded front ends answer with HTML pages; only the status tells us anything.
        string title = BufferedAnswer.Text(response) is { } content && TitleRegex().Match(content) is { Success: true } m ? m.Groups[1].Value.Trim() : string.Empty;
        if (title.Length > 120)
        {
            title = title[..120];
        }

        string description = $"non-JSON answer ({response.ContentType ?? "no content type"}, {response.RawBytes?.Length ?? 0} bytes){(title.Length > 0 ? ": " + title : string.Empty)}";
        Bitrix24ErrorKind kind = status switch
        {
            401 or 403 => Bitrix24ErrorKind.Authorization,
            429 => Bitrix24ErrorKind.OperationTimeLimit,
            >= 500 or 200 => Bitrix24ErrorKind.Transient,
            _ => Bitrix24ErrorKind.BadRequest,
        };
        return Fail(method, kind, status, string.Empty, description, mayHaveExecuted: status is >= 500 or 200);
    }

    /// <remarks>
    /// No inner exception is attached: transport exceptions may quote the URL, and with it the webhook code.
    /// What they say is carried, redacted, in the description instead.
    /// </remarks>
    private Bitrix24Exception Fail(string method, Bitrix24ErrorKind kind, int? status, string error, string description, bool mayHaveExecuted, DateTimeOffset? retryAt = null)
    {
        var exception = new Bitrix24Exception(method, kind, status, error, _auth.Redact(description), mayHaveExecuted, retryAt);
        if (kind == Bitrix24ErrorKind.Authorization && !Bitrix24Exception.IsRenewable(error))
        {
            LogAuthorizationFailure(_logger, method, _auth.Describe, exception.Message);
        }
        else
        {
            LogFailed(_logger, exception.Message);
        }

        return exception;
    }

    private static bool IsJson(string? contentType) =>
        contentType is not null && contentType.Contains("json", StringComparison.OrdinalIgnoreCase);

    private static bool IsConnectFailure(Exception? exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            if (e is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError or HttpRequestError.ProxyTunnelError })
            {
                return true;
            }

            if (e is SocketException { SocketErrorCode: SocketError.ConnectionRefused or SocketError.HostUnreachable or SocketError.NetworkUnreachable or SocketError.HostNotFound })
            {
                return true;
            }
        }

        return false;
    }

    [GeneratedRegex("<title>(.*?)</title>", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex TitleRegex();

    [LoggerMessage(Level = LogLevel.Debug, Message = "Bitrix24 {Method} answered {Status} in {ElapsedMs:0.0} ms")]
    private static partial void LogCompleted(ILogger logger, string method, int status, double elapsedMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Failure}")]
    private static partial void LogFailed(ILogger logger, string failure);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Bitrix24 refused the {Auth} for {Method}; check the credentials, their scopes (telephony, user, crm) and the auth type. Not retried. {Failure}")]
    private static partial void LogAuthorizationFailure(ILogger logger, string method, string auth, string failure);
}
