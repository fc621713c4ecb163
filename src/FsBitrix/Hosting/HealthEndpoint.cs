using FsBitrix.Calls;
using FsBitrix.Esl.Inbound;
using FsBitrix.Outbox;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace FsBitrix.Hosting;

/// <summary>
/// <c>GET /healthz</c>: 200 when FreeSWITCH is connected, 503 otherwise; the body says what an admin needs:
/// ESL state, outbox depth, calls followed, when Bitrix24 last answered.
/// </summary>
internal static class HealthEndpoint
{
    public static void MapHealth(this IEndpointRouteBuilder app) =>
        app.MapGet("/healthz", async (EslInboundClient esl, OutboxStore outbox, OutboxDispatcher dispatcher, CallTracker tracker,
            CancellationToken cancellationToken) =>
        {
            EslConnectionState state = esl.State;
            long pending = await outbox.PendingCountAsync(cancellationToken).ConfigureAwait(false);
            var body = new
            {
                status = state.IsConnected ? "ok" : "degraded",
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
                bitrix24 = new { lastSuccess = dispatcher.LastSuccess },
                calls = new { active = tracker.ActiveCalls },
            };
            return Results.Json(body, statusCode: state.IsConnected ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
        });
}
