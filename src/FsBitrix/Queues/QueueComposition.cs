using FsBitrix.Hosting;
using FsBitrix.Configuration;
using FsBitrix.Core.Queues;
using Microsoft.Extensions.DependencyInjection;

namespace FsBitrix.Queues;

/// <summary>The queue parts; one line in the service's composition. Without queues nothing listens on the socket port.</summary>
internal static class QueueComposition
{
    public static IServiceCollection AddQueues(this IServiceCollection services, FsBitrixOptions options)
    {
        if (!options.HasQueues)
        {
            return services;
        }

        services.AddSingleton(sp => new QueueClock(FeatureClocks.Of(sp, FeatureClocks.Queues)));
        services.AddSingleton<QueueCatalog>();
        services.AddSingleton<ResponsibleRep>();
        services.AddSingleton(sp =>
        {
            QueueCatalog catalog = sp.GetRequiredService<QueueCatalog>();
            return new QueueBoard(sp.GetRequiredService<Core.Calls.CallSettings>(), sp.GetRequiredService<QueueClock>().Time,
                (domain, name) => catalog.Find(domain ?? string.Empty, name));
        });
        services.AddSingleton<QueueCallHandler>();
        services.AddSingleton<QueueService>();
        services.AddHostedService(sp => sp.GetRequiredService<QueueService>());
        return services;
    }
}
