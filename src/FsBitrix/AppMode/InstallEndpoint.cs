using FsBitrix.Bitrix24;
using FsBitrix.Bitrix24.Auth;
using FsBitrix.Bitrix24.Errors;
using FsBitrix.Bitrix24.Params;
using FsBitrix.Bitrix24.Retry;
using FsBitrix.ClickToCall;
using FsBitrix.Configuration;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace FsBitrix.AppMode;

/// <summary>
/// <c>POST /bitrix/install</c> (<c>Bitrix:InstallPath</c>): the portal's install call. It is not signed, so its
/// tokens are trusted only when its portal is the configured one (<c>Bitrix:Domain</c>, <c>Bitrix:MemberId</c>), it
/// is the portal installed before (same member_id), and its access token works there (<c>event.get</c>, an
/// application-only method). Then the tokens are stored, the events bound and the lines added.
/// </summary>
internal sealed partial class InstallEndpoint(
    OAuthAuth auth,
    AppSetup setup,
    FsBitrixOptions options,
    TimeProvider time,
    ILogger<InstallEndpoint> logger)
{
    private const int MaxBodyBytes = 64 * 1024;

    public async Task<IResult> HandleAsync(HttpContext http)
    {
        string from = http.Connection.RemoteIpAddress?.ToString() ?? "?";
        if (http.Request.ContentLength > MaxBodyBytes)
        {
            return Refuse(from, StatusCodes.Status413PayloadTooLarge, "body too large");
        }

        using var buffer = new MemoryStream();
        await http.Request.Body.CopyToAsync(buffer, http.RequestAborted).ConfigureAwait(false);
        if (buffer.Length > MaxBodyBytes)
        {
            return Refuse(from, StatusCodes.Status413PayloadTooLarge, "body too large");
        }

        if (!EventFields.TryParse(http.Request.ContentType, buffer.ToArray(), out Dictionary<string, string> fields, out string malformed))
        {
            return Refuse(from, StatusCodes.Status400BadRequest, malformed);
        }

        Dictionary<string, string> query = http.Request.Query.ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.Ordinal);
        if (!InstallCall.TryRead(fields, query, out InstallCall? call, out string invalid))
        {
            return Refuse(from, StatusCodes.Status400BadRequest, invalid);
        }

        await auth.LoadAsync(http.RequestAborted).ConfigureAwait(false);
        if (Mismatch(call!) is { } foreign)
        {
            return Refuse(from, StatusCodes.Status403Forbidden, foreign);
        }

        if (await VerifyAsync(call!, http.RequestAborted).ConfigureAwait(false) is { } unverified)
        {
            return Refuse(from, StatusCodes.Status401Unauthorized, unverified);
        }

        await auth.InstallAsync(ToGrant(call!), http.RequestAborted).ConfigureAwait(false);
        await setup.EnsureAsync(EventsUrl(http), http.RequestAborted).ConfigureAwait(false);
        return Results.Json(new { status = "success" });
    }

    private string? Mismatch(InstallCall call)
    {
        BitrixSettings bitrix = options.Bitrix;
        if (!SamePortal(call.ClientEndpoint, bitrix.Domain) || !SamePortal(call.Domain, bitrix.Domain))
        {
            return $"the install names portal {call.Domain} ({call.ClientEndpoint.Authority}), not FsBitrix:Bitrix:Domain {bitrix.Domain}";
        }

        if (call.ClientEndpoint.Scheme != Uri.UriSchemeHttps && !call.ClientEndpoint.IsLoopback)
        {
            return "the install's client_endpoint is not https";
        }

        if (!string.IsNullOrEmpty(bitrix.MemberId) && !string.Equals(call.MemberId, bitrix.MemberId, StringComparison.Ordinal))
        {
            return "the install's member_id is not FsBitrix:Bitrix:MemberId";
        }

        if (auth.Grant is { } installed && !string.Equals(installed.MemberId, call.MemberId, StringComparison.Ordinal))
        {
            return $"this service is installed on member {installed.MemberId}; another portal's install is refused";
        }

        return null;
    }

    private async Task<string?> VerifyAsync(InstallCall call, CancellationToken cancellationToken)
    {
        using var client = new Bitrix24Client(
            new Bitrix24ClientOptions { RequestTimeout = TimeSpan.FromSeconds(10), Retry = new RetryOptions { MaxRetryAttempts = 1 } },
            timeProvider: time, auth: new AccessTokenAuth(call.ClientEndpoint, call.AccessToken));
        try
        {
            await client.CallAsync(Bitrix24Methods.EventGet, new BitrixParams(), RetryRule.Idempotent, static _ => true, cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (Bitrix24Exception e)
        {
            return $"its access token does not work on {call.ClientEndpoint.Authority}: {e.Message}";
        }
    }

    private OAuthGrant ToGrant(InstallCall call) => new()
    {
        AccessToken = call.AccessToken,
        RefreshToken = call.RefreshToken,
        ExpiresAt = time.GetUtcNow() + call.ExpiresIn,
        ClientEndpoint = call.ClientEndpoint,
        ServerEndpoint = call.ServerEndpoint,
        MemberId = call.MemberId,
        Domain = call.Domain,
        ApplicationToken = call.ApplicationToken,
        Scope = call.Scope,
        UserId = call.UserId,
    };

    /// <summary><c>Bitrix:PublicUrl</c>, else the address the portal reached this install URL at (the handler host must match the app's, §4.1).</summary>
    private Uri EventsUrl(HttpContext http) =>
        setup.ConfiguredEventsUrl() ?? setup.EventsUrlAt($"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}");

    private static bool SamePortal(Uri endpoint, string? domain) =>
        string.Equals(endpoint.Authority, domain, StringComparison.OrdinalIgnoreCase) || string.Equals(endpoint.Host, domain, StringComparison.OrdinalIgnoreCase);

    private static bool SamePortal(string named, string? domain) => string.Equals(named, domain, StringComparison.OrdinalIgnoreCase);

    private IResult Refuse(string from, int status, string reason)
    {
        LogRefused(from, reason);
        return Results.Text("install refused: " + reason, statusCode: status);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Bitrix24 install call from {From} refused: {Reason}")]
    private partial void LogRefused(string from, string reason);
}
