using FsBitrix.Bitrix24.Auth;
using FsBitrix.ClickToCall;
using FsBitrix.Configuration;
using FsBitrix.Hosting;
using FsBitrix.Outbox;
using FsBitrix.Tenants;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FsBitrix.AppMode;

/// <summary>
/// The local-application parts of every portal connected as one (<c>Bitrix:Auth=app</c>, <c>Tenants:N:Auth=app</c>)
/// and their one install endpoint. The default portal's parts are also services of their own (its client's auth, its
/// outbox gate, its bindings watch).
/// </summary>
internal static class AppModeComposition
{
    public static bool AnyAppMode(this FsBitrixOptions options) => options.Bitrix.IsAppMode || options.Tenants.Any(t => t.IsAppMode);

    public static IServiceCollection AddAppMode(this IServiceCollection services, FsBitrixOptions options)
    {
        services.AddSingleton(AppInstallations.Create);
        if (options.Bitrix.IsAppMode)
        {
            services.AddSingleton(sp => Default(sp).Auth);
            services.AddSingleton<IBitrix24Auth>(sp => sp.GetRequiredService<OAuthAuth>());
            services.AddSingleton<IDeliveryGate>(sp => Default(sp).Gate);
            services.AddSingleton(sp => Watch(sp, string.Empty));
            services.AddHostedService(sp => sp.GetRequiredService<AppBindingsWatch>());
        }

        foreach (string tenant in options.Tenants.Where(t => t.IsAppMode).Select(t => t.Key))
        {
            // Added as IHostedService directly: AddHostedService keeps one registration per implementation type.
            services.AddSingleton<IHostedService>(sp => Watch(sp, tenant));
        }

        foreach ((string tenant, bool offline) in Portals(options))
        {
            if (offline)
            {
                services.AddSingleton<IHostedService>(sp => new OfflineEventPoller(Installation(sp, tenant), Client(sp, tenant),
                    sp.GetRequiredService<ClickIntake>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<OfflineEventPoller>>()));
            }
        }

        // Several instances: an install taken by a standby reaches the leader through the database.
        if (options.Storage.IsPostgres)
        {
            services.AddHostedService<SharedInstallationWatch>();
        }

        services.AddSingleton<InstallEndpoint>();
        return services;
    }

    public static void MapAppMode(this IEndpointRouteBuilder app, FsBitrixOptions options, BitrixSettings bitrix)
    {
        if (options.AnyAppMode())
        {
            app.MapPost(bitrix.InstallPath, (HttpContext http, InstallEndpoint endpoint) => endpoint.HandleAsync(http));
        }
    }

    private static IEnumerable<(string Tenant, bool Offline)> Portals(FsBitrixOptions options) =>
        [
            .. options.Bitrix.IsAppMode ? [(string.Empty, options.Bitrix.IsOfflineEvents)] : Array.Empty<(string, bool)>(),
            .. options.Tenants.Where(t => t.IsAppMode)
                .Select(t => (t.Key, string.Equals(t.Events, BitrixSettings.OfflineEvents, StringComparison.OrdinalIgnoreCase))),
        ];

    private static AppInstallation Default(IServiceProvider services) => Installation(services, string.Empty);

    private static AppInstallation Installation(IServiceProvider services, string tenant) =>
        services.GetRequiredService<AppInstallations>().Find(tenant) ?? throw new InvalidOperationException($"no local application for '{tenant}'");

    private static Bitrix24.Bitrix24Client Client(IServiceProvider services, string tenant) =>
        services.GetRequiredService<TenantPortals>().Get(tenant).Client;

    private static AppBindingsWatch Watch(IServiceProvider services, string tenant) =>
        new(Installation(services, tenant), Client(services, tenant), FeatureClocks.Of(services, FeatureClocks.Auth),
            services.GetRequiredService<ILogger<AppBindingsWatch>>());
}
