using FsBitrix.Hosting;
using FsBitrix.Configuration;
using FsBitrix.OwnerLookup;
using Microsoft.Extensions.DependencyInjection;

namespace FsBitrix.SocketApp;

/// <summary>The socket listener and the owner lookup; nothing listens unless a queue or the lookup is configured.</summary>
internal static class SocketAppComposition
{
    public static IServiceCollection AddSocketApp(this IServiceCollection services, FsBitrixOptions options)
    {
        if (options.OwnerLookup.Enabled)
        {
            services.AddSingleton(sp => ActivatorUtilities.CreateInstance<OwnerLookupHandler>(sp, FeatureClocks.Of(sp, FeatureClocks.OwnerLookup)));
        }

        if (!options.HasQueues && !options.OwnerLookup.Enabled)
        {
            return services;
        }

        services.AddSingleton<SocketAppService>();
        services.AddHostedService(sp => sp.GetRequiredService<SocketAppService>());
        return services;
    }
}
