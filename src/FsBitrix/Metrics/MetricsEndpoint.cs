using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Prometheus;

namespace FsBitrix.Metrics;

/// <summary><c>GET /metrics</c>: Prometheus's text exposition format (0.0.4) of <see cref="ServiceMetrics"/>.</summary>
internal static class MetricsEndpoint
{
    public static void MapMetrics(this IEndpointRouteBuilder app) =>
        app.MapGet("/metrics", async (ServiceMetrics metrics, HttpContext context, CancellationToken cancellationToken) =>
        {
            context.Response.ContentType = PrometheusConstants.TextContentTypeWithVersionAndEncoding;
            await metrics.Registry.CollectAndExportAsTextAsync(context.Response.Body, cancellationToken).ConfigureAwait(false);
        });
}
