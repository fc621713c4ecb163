using FsBitrix.Hosting;
using FsBitrix.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FsBitrix.Leadership;

/// <summary>Who leads: always this instance on one box; on a shared PostgreSQL, whoever holds the leader lock.</summary>
internal static class LeadershipComposition
{
    public static IServiceCollection AddLeadership(this IServiceCollection services, bool shared)
    {
        services.AddSingleton(new InstanceRole(shared));
        return services;
    }

    /// <summary>
    /// On a shared database: every hosted service registered from <paramref name="firstIndex"/> on is taken out of the
    /// host's hands and started by <see cref="LeaderOnlyServices"/> (now, or once leading). On one box nothing changes.
    /// </summary>
    public static IServiceCollection RunOnLeaderOnly(this IServiceCollection services, int firstIndex)
    {
        ServiceDescriptor[] hosted = [.. services.Skip(firstIndex).Where(d => d.ServiceType == typeof(IHostedService) && !d.IsKeyedService)];
        foreach (ServiceDescriptor descriptor in hosted)
        {
            services.Remove(descriptor);
        }

        services.AddSingleton(sp => new LeaderLock(sp.GetRequiredService<ServiceStartup>().Storage.ConnectionString!,
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<LeaderLock>>()));
        services.AddSingleton(sp => new LeaderOnlyServices([.. hosted.Select(d => Instance(d, sp))], sp.GetRequiredService<InstanceRole>(),
            sp.GetRequiredService<LeaderLock>(), sp, sp.GetRequiredService<IHostApplicationLifetime>(),
            sp.GetRequiredService<ILogger<LeaderOnlyServices>>()));
        services.AddHostedService(sp => sp.GetRequiredService<LeaderOnlyServices>());
        return services;
    }

    private static IHostedService Instance(ServiceDescriptor descriptor, IServiceProvider services) =>
        (IHostedService)(descriptor.ImplementationInstance
            ?? descriptor.ImplementationFactory?.Invoke(services)
            ?? ActivatorUtilities.CreateInstance(services, descriptor.ImplementationType!));
}
