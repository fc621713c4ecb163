using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace FsBitrix.Metrics;

internal static class MetricsComposition
{
    /// <summary>Registered first, so its bridge hears the Bitrix24 clients from their first request.</summary>
    public static IServiceCollection AddServiceMetrics(this IServiceCollection services)
    {
        services.AddSingleton<ServiceMetrics>();
        services.AddSingleton(sp => new Bitrix24MeterBridge(sp.GetRequiredService<ServiceMetrics>(), sp.GetRequiredService<IMeterFactory>()));
        services.AddSingleton<MetricsCollector>();
        services.AddHostedService(sp =>
        {
            sp.GetRequiredService<Bitrix24MeterBridge>();
            return sp.GetRequiredService<MetricsCollector>();
        });
        return services;
    }
}
