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
/// <c>POST /bitrix/install</c> (<c>Bitrix:InstallPath</c>): a portal's install call, one address for every company. It
/// is not signed, so its tokens are trusted only when its portal is a configured one (<c>Bitrix:Domain</c>, or a
/// company's <c>PortalDomain</c> — which also says whose installation it is; <c>MemberId</c> when set), it is the
/// portal installed there before (same member_id), and its access token works there (<c>event.get</c>, an
/// application-only method). Then the tokens are stored for that company, its events bound and its lines added.
/// </summary>
internal sealed partial class InstallEndpoint(
    AppInstallations installations,
    Tenants.TenantPortals portals,
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

        if (installations.ForPortal(call!.Domain, call.ClientEndpoint) is not { } installation)
        {
            return Refuse(from, StatusCodes.Status403Forbidden,
                $"the install names portal {call.Domain} ({call.ClientEndpoint.Authority}), which neither FsBitrix:Bitrix:Domain nor a company's "
                + "PortalDomain in FsBitrix:Tenants names (with Auth=app)");
        }

        OAuthAuth auth = installation.Auth;
        await auth.LoadAsync(http.RequestAborted).ConfigureAwait(false);
        if (Mismatch(call, installation) is { } foreign)
        {
            return Refuse(from, StatusCodes.Status403Forbidden, foreign);
        }

        if (await VerifyAsync(call, http.RequestAborted).ConfigureAwait(false) is { } unverified)
        {
            return Refuse(from, StatusCodes.Status401Unauthorized, unverified);
        }

        await auth.InstallAsync(ToGrant(call), http.RequestAborted).ConfigureAwait(false);
        LogInstalled(installation.Name, call.Domain);
        await installation.Setup.EnsureAsync(portals.Get(installation.Tenant).Client, EventsUrl(http, installation.Setup), http.RequestAborted)
            .ConfigureAwait(false);
        return Results.Json(new { status = "success" });
    }

    private static string? Mismatch(InstallCall call, AppInstallation installation)
    {
        BitrixSettings bitrix = installation.Settings;
        if (call.ClientEndpoint.Scheme != Uri.UriSchemeHttps && !call.ClientEndpoint.IsLoopback)
        {
            return "the install's client_endpoint is not https";
        }

        if (!string.IsNullOrEmpty(bitrix.MemberId) && !string.Equals(call.MemberId, bitrix.MemberId, StringComparison.Ordinal))
        {
            return $"the install's member_id is not the configured MemberId of the {installation.Name} portal";
        }

        if (installation.Auth.Grant is { } installed && !string.Equals(installed.MemberId, call.MemberId, StringComparison.Ordinal))
        {
            return $"the {installation.Name} portal is installed on member {installed.MemberId}; another portal's install is refused";
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
    private static Uri EventsUrl(HttpContext http, AppSetup setup) =>
        setup.ConfiguredEventsUrl() ?? setup.EventsUrlAt($"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}");

    private IResult Refuse(string from, int status, string reason)
    {
        LogRefused(from, reason);
        return Results.Text("install refused: " + reason, statusCode: status);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Local application installed for the {Portal} portal ({Domain})")]
    private partial void LogInstalled(string portal, string domain);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Bitrix24 install call from {From} refused: {Reason}")]
    private partial void LogRefused(string from, string reason);
}
