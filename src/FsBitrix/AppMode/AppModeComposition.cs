using FsBitrix.Hosting;
using FsBitrix.Bitrix24.Auth;
using FsBitrix.Configuration;
using FsBitrix.Outbox;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FsBitrix.AppMode;

/// <summary>The local-application parts (<c>Bitrix:Auth=app</c>) and their install endpoint.</summary>
internal static class AppModeComposition
{
    public static IServiceCollection AddAppMode(this IServiceCollection services, FsBitrixOptions options)
    {
        BitrixSettings bitrix = options.Bitrix;
        services.AddSingleton(sp =>
        {
            // After the outbox, which creates the database file readable by the service user only.
            sp.GetRequiredService<OutboxStore>();
            return new InstallationStore(options.Storage.Path, sp.GetRequiredService<TimeProvider>());
        });
        services.AddSingleton(sp =>
        {
            var auth = new OAuthAuth(
            new OAuthAppOptions
            {
                // Empty until the admin copies them in after the install (they appear only after the form is saved).
                ClientId = bitrix.ClientId ?? string.Empty,
                ClientSecret = bitrix.ClientSecret ?? string.Empty,
                TokenUrl = string.IsNullOrWhiteSpace(bitrix.OAuthUrl) ? null : new Uri(bitrix.OAuthUrl),
                RefreshAhead = bitrix.TokenRefreshAhead,
            },
            sp.GetRequiredService<InstallationStore>(),
            FeatureClocks.Of(sp, FeatureClocks.Auth),
            sp.GetRequiredService<ILogger<OAuthAuth>>());

            // Its installation is loaded before the host starts (ServiceStartup).
            return auth;
        });
        services.AddSingleton<IBitrix24Auth>(sp => sp.GetRequiredService<OAuthAuth>());
        services.AddSingleton<IDeliveryGate>(sp => new AppDeliveryGate(sp.GetRequiredService<OAuthAuth>()));
        services.AddSingleton<AppSetup>();
        services.AddSingleton<InstallEndpoint>();
        services.AddSingleton(sp => ActivatorUtilities.CreateInstance<AppBindingsWatch>(sp, FeatureClocks.Of(sp, FeatureClocks.Auth)));
        services.AddHostedService(sp => sp.GetRequiredService<AppBindingsWatch>());
        if (bitrix.IsOfflineEvents)
        {
            services.AddHostedService<OfflineEventPoller>();
        }

        return services;
    }

    public static void MapAppMode(this IEndpointRouteBuilder app, FsBitrixOptions options)
    {
        if (options.Bitrix.IsAppMode)
        {
            app.MapPost(options.Bitrix.InstallPath, (HttpContext http, InstallEndpoint endpoint) => endpoint.HandleAsync(http));
        }
    }
}
