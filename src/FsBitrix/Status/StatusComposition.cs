using Microsoft.Extensions.DependencyInjection;

namespace FsBitrix.Status;

internal static class StatusComposition
{
    public static IServiceCollection AddStatusPage(this IServiceCollection services)
    {
        services.AddSingleton<LiveCalls>();
        services.AddHostedService(sp => sp.GetRequiredService<LiveCalls>());
        services.AddSingleton<RecentErrors>();
        services.AddHostedService(sp => sp.GetRequiredService<RecentErrors>());
        services.AddSingleton<StatusSnapshot>();
        return services;
    }
}
