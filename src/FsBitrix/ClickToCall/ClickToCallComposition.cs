using FsBitrix.Configuration;
using FsBitrix.Outbox;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FsBitrix.ClickToCall;

/// <summary>The click-to-call parts and their endpoint; one line each in the service's composition.</summary>
internal static partial class ClickToCallComposition
{
    public static IServiceCollection AddClickToCall(this IServiceCollection services)
    {
        services.AddSingleton(sp => EventGuard.For(sp.GetRequiredService<BitrixSettings>(), sp, string.Empty));
        services.AddSingleton<ClickIntake>();

        services.AddSingleton(sp => sp.GetRequiredService<Hosting.ServiceStartup>().Storage
            .HandledEvents(sp.GetRequiredService<ClickToCallSettings>().RememberEventsFor));
        services.AddSingleton<OriginateNode>();
        services.AddSingleton<ClickToCallOriginator>();
        services.AddSingleton<ClickToCallRecovery>();
        services.AddSingleton<ClickToCallWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<ClickToCallWorker>());
        services.AddSingleton<EventsEndpoint>();
        return services;
    }

    public static void MapClickToCall(this IEndpointRouteBuilder app, BitrixSettings bitrix)
    {
        EventGuard guard = app.ServiceProvider.GetRequiredService<EventGuard>();
        if (!guard.TokenConfigured)
        {
            LogNoToken(app.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(EventsEndpoint)));
        }

        app.MapPost(bitrix.EventsPath, (HttpContext http, EventsEndpoint endpoint) => endpoint.HandleAsync(http));
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "FsBitrix:Bitrix:ApplicationToken is not set: every Bitrix24 event (click-to-call, callback) will be refused")]
    private static partial void LogNoToken(ILogger logger);
}
