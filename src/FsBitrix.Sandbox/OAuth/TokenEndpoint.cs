using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace FsBitrix.Sandbox.OAuth;

/// <summary>
/// <c>/oauth/token/</c> as <c>oauth.bitrix.info</c> answers it: GET with query parameters (b24phpsdk, the docs) or
/// a form POST (MikoPBX); grants <c>authorization_code</c> and <c>refresh_token</c>. Errors are
/// <c>{"error","error_description"}</c>: 401 <c>invalid_client</c> for wrong credentials or an uninstalled app,
/// 400 <c>invalid_grant</c> for a bad, used, expired or revoked code/refresh token (b24phpsdk's mapping).
/// </summary>
internal static class TokenEndpoint
{
    public static void MapOAuthToken(this IEndpointRouteBuilder app, OAuthTokens tokens, AppIdentity identity)
    {
        // Routing ignores the trailing slash, so this also serves /oauth/token.
        app.MapMethods("/oauth/token/", ["GET", "POST"], http => HandleAsync(http, tokens, identity));
    }

    private static async Task HandleAsync(HttpContext http, OAuthTokens tokens, AppIdentity identity)
    {
        IFormCollection? form = http.Request.HasFormContentType ? await http.Request.ReadFormAsync(http.RequestAborted).ConfigureAwait(false) : null;
        string Param(string name) => http.Request.Query[name] is { Count: > 0 } q ? q.ToString() : form?[name].ToString() ?? string.Empty;

        (int status, JsonObject body) = Answer(Param, tokens, identity);
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json";
        await http.Response.WriteAsync(body.ToJsonString(), http.RequestAborted).ConfigureAwait(false);
    }

    private static (int Status, JsonObject Body) Answer(Func<string, string> param, OAuthTokens tokens, AppIdentity identity)
    {
        string grantType = param("grant_type");
        if (grantType.Length == 0)
        {
            return Error(400, "invalid_request", "Invalid grant_type parameter or parameter missing");
        }

        if (!tokens.Installed
            || !string.Equals(param("client_id"), identity.Options.ClientId, StringComparison.Ordinal)
            || !string.Equals(param("client_secret"), identity.Options.ClientSecret, StringComparison.Ordinal))
        {
            return Error(401, "invalid_client", "The client credentials are invalid");
        }

        if (grantType is not ("refresh_token" or "authorization_code"))
        {
            return Error(400, "unsupported_grant_type", "The grant type is not supported");
        }

        TokenPair? pair = grantType == "refresh_token" ? tokens.Refresh(param("refresh_token")) : tokens.ExchangeCode(param("code"));
        return pair is null
            ? Error(400, "invalid_grant", "Invalid grant")
            : (200, Body(pair, tokens.Now, identity));
    }

    /// <summary>The documented answer (D-RENEW, b24-rest-docs#285): no client_id, <c>expires</c> is absolute.</summary>
    public static JsonObject Body(TokenPair pair, DateTimeOffset now, AppIdentity identity) => new()
    {
        ["access_token"] = pair.AccessToken,
        ["client_endpoint"] = identity.ClientEndpoint,
        ["domain"] = identity.Domain,
        ["expires"] = pair.Expires.ToUnixTimeSeconds(),
        ["expires_in"] = (long)(pair.Expires - now).TotalSeconds,
        ["member_id"] = identity.Options.MemberId,
        ["refresh_token"] = pair.RefreshToken,
        ["scope"] = AppIdentity.Scope,
        ["server_endpoint"] = identity.ServerEndpoint,
        ["status"] = AppIdentity.Status,
        ["user_id"] = pair.UserId,
    };

    private static (int, JsonObject) Error(int status, string error, string description) =>
        (status, new JsonObject { ["error"] = error, ["error_description"] = description });
}
