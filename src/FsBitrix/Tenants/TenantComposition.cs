using FsBitrix.Configuration;
using FsBitrix.Hosting;
using FsBitrix.Outbox;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace FsBitrix.Tenants;

/// <summary>Every company's portal; the extra companies' dispatchers and user directories run as hosted services.</summary>
internal static class TenantComposition
{
    public static IServiceCollection AddTenants(this IServiceCollection services, FsBitrixOptions options)
    {
        services.AddSingleton(sp => new TenantPortals(sp.GetRequiredService<BitrixSettings>(), sp.GetRequiredService<TenantsSettings>(), sp));
        services.AddSingleton<OrphanedCommands>();
        services.AddHostedService(sp => sp.GetRequiredService<OrphanedCommands>());
        foreach (TenantSettings tenant in options.Tenants)
        {
            string key = tenant.Key;

            // Added as IHostedService directly: AddHostedService keeps one registration per implementation type.
            services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<TenantPortals>().Get(key).Dispatcher);
            services.AddSingleton<IHostedService>(sp =>
            {
                TenantPortal portal = sp.GetRequiredService<TenantPortals>().Get(key);
                return new UserDirectoryService(portal.Directory, portal.Gate ?? new OpenDeliveryGate());
            });
        }

        return services;
    }
}
