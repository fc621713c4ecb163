using FsBitrix.Sandbox.Events;
using FsBitrix.Sandbox.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace FsBitrix.Sandbox.Web;

/// <summary>The sandbox's web page and what it calls. Not part of Bitrix24; no webhook code needed.</summary>
internal static class WebEndpoints
{
    public static void MapSandboxWeb(this IEndpointRouteBuilder app, PortalState state, SandboxOptions options, SandboxEvents events, CancellationToken stopping)
    {
        app.MapGet("/", http => PageAssets.ServeAsync(http, "index.html"));
        app.MapGet("/assets/app.css", http => PageAssets.ServeAsync(http, "app.css"));
        app.MapGet("/assets/app.js", http => PageAssets.ServeAsync(http, "app.js"));
        app.MapGet("/favicon.ico", http =>
        {
            http.Response.StatusCode = StatusCodes.Status204NoContent;
            return Task.CompletedTask;
        });
        app.MapGet("/sandbox/events/stream", http => EventStream.ServeAsync(http, state, options, stopping));
        app.MapGet("/sandbox/records/{fileId:long}/audio", http => AudioEndpoint.ServeAsync(http, state));
        app.MapPost("/sandbox/click-to-call", http => ClickToCallEndpoint.HandleAsync(http, options, events));
        app.MapGet("/companies", http => SideBySidePage.ServeAsync(http, options));
    }
}
