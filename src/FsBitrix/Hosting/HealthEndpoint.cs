using FsBitrix.Bitrix24.Auth;
using FsBitrix.Calls;
using FsBitrix.Configuration;
using FsBitrix.Esl.Inbound;
using FsBitrix.Outbox;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace FsBitrix.Hosting;

/// <summary>
/// <c>GET /healthz</c>: 200 when FreeSWITCH is connected and Bitrix24 can be called, 503 otherwise; the body says what
/// an admin needs: ESL state, outbox depth, calls followed, when Bitrix24 last answered, and in app mode whether the
/// application is installed and its tokens still renew (with what to do when not).
/// </summary>
internal static class HealthEndpoint
{
    public static void MapHealth(this IEndpointRouteBuilder app) =>
        app.MapGet("/healthz", async (EslInboundClient esl, OutboxStore outbox, OutboxDispatcher dispatcher, CallTracker tracker,
            FsBitrixOptions options, IServiceProvider services, CancellationToken cancellationToken) =>
        {
            EslConnectionState state = esl.State;
            AppAuthState? appAuth = services.GetService<OAuthAuth>()?.State;
            bool healthy = state.IsConnected && (appAuth is null || appAuth.CanCall);
            long pending = await outbox.PendingCountAsync(cancellationToken).ConfigureAwait(false);
            var body = new
            {
                status = healthy ? "ok" : "degraded",
                esl = new
                {
                    connected = state.IsConnected,
                    state = state.Status.ToString(),
                    since = state.Since,
                    connections = state.Epoch,
                    lastError = state.LastError?.Message,
                    eventsDelivered = esl.Statistics.EventsDelivered,
                    eventsDelayedByBackpressure = esl.Statistics.EventsDelayedByBackpressure,
                },
                outbox = new { pending, delivered = dispatcher.Delivered },
                bitrix24 = new
                {
                    lastSuccess = dispatcher.LastSuccess,
                    auth = appAuth is null ? "webhook" : "app",
                    app = appAuth is null ? null : new
                    {
                        state = appAuth.Status.ToString(),
                        since = appAuth.Since,
                        problem = appAuth.Problem,
                        events = options.Bitrix.IsOfflineEvents ? "offline" : "online",
                    },
                },
                calls = new { active = tracker.ActiveCalls },
            };
            return Results.Json(body, statusCode: healthy ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
        });
}
