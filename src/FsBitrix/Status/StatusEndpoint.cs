using System.Net;
using System.Security.Cryptography;
using System.Text;
using FsBitrix.Configuration;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace FsBitrix.Status;

/// <summary>
/// <c>GET /</c>: the admin's status page (read-only), which polls <c>GET /status.json</c>. Loopback only unless
/// <c>Status:Token</c> is set; a wrong or missing token from elsewhere is a 403 that says how to get in.
/// </summary>
internal static class StatusEndpoint
{
    private const string Cookie = "fsbitrix_status";

    public static void MapStatus(this IEndpointRouteBuilder app, StatusSettings settings)
    {
        if (!settings.Enabled)
        {
            return;
        }

        app.MapGet("/", (HttpContext http) =>
        {
            if (Refused(http, settings) is { } refused)
            {
                return refused;
            }

            // Given once in the address, kept in a cookie so that the page's own requests carry it.
            if (http.Request.Query["token"] is [{ } token] && settings.Token is not null && Same(token, settings.Token))
            {
                http.Response.Cookies.Append(Cookie, token, new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Strict, Path = "/" });
            }

            return Page(http, StatusPage.Html, "text/html; charset=utf-8");
        });
        app.MapGet("/favicon.ico", () => Results.NoContent());
        app.MapGet("/status.js", (HttpContext http) => Refused(http, settings) ?? Page(http, StatusPage.Script, "text/javascript; charset=utf-8"));
        app.MapGet("/status.css", (HttpContext http) => Refused(http, settings) ?? Page(http, StatusPage.Styles, "text/css; charset=utf-8"));
        app.MapGet("/status.json", async (HttpContext http, StatusSnapshot snapshot, CancellationToken cancellationToken) =>
            Refused(http, settings) ?? Results.Json(await snapshot.ReadAsync(cancellationToken).ConfigureAwait(false)));
    }

    private static IResult Page(HttpContext http, string content, string type)
    {
        http.Response.Headers.ContentSecurityPolicy = StatusPage.ContentSecurityPolicy;
        http.Response.Headers.XContentTypeOptions = "nosniff";
        return Results.Content(content, type);
    }

    /// <summary>Null when the request may see the page: from loopback, or with the configured token.</summary>
    internal static IResult? Refused(HttpContext http, StatusSettings settings)
    {
        // A request a reverse proxy forwarded comes from loopback too, but from whoever reached the proxy: it needs the token.
        IPAddress? remote = http.Connection.RemoteIpAddress;
        bool forwarded = http.Request.Headers.ContainsKey("X-Forwarded-For") || http.Request.Headers.ContainsKey("Forwarded")
            || http.Request.Headers.ContainsKey("X-Real-IP");
        if (remote is not null && IPAddress.IsLoopback(remote) && !forwarded)
        {
            return null;
        }

        if (settings.Token is null)
        {
            return Results.Text("The status page answers on loopback only (e.g. ssh -L 8085:127.0.0.1:8085 this server). "
                + "To open it from elsewhere set FsBitrix:Status:Token and add ?token=<it> to the address.", statusCode: StatusCodes.Status403Forbidden);
        }

        string? given = http.Request.Query["token"] is [{ } query] ? query
            : http.Request.Cookies[Cookie] is { } cookie ? cookie
            : http.Request.Headers.Authorization is [{ } header] && header.StartsWith("Bearer ", StringComparison.Ordinal) ? header[7..]
            : null;
        return given is not null && Same(given, settings.Token)
            ? null
            : Results.Text("Wrong or missing status token (FsBitrix:Status:Token).", statusCode: StatusCodes.Status403Forbidden);
    }

    private static bool Same(string given, string expected) =>
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(given)), SHA256.HashData(Encoding.UTF8.GetBytes(expected)));
}
