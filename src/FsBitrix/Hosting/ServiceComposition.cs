using System.Diagnostics.Metrics;
using FsBitrix.AppMode;
using FsBitrix.Bitrix24;
using FsBitrix.Bitrix24.Auth;
using FsBitrix.Bitrix24.RateLimiting;
using FsBitrix.Bitrix24.Users;
using FsBitrix.Calls;
using FsBitrix.Cdr;
using FsBitrix.ClickToCall;
using FsBitrix.Configuration;
using FsBitrix.Core.Calls;
using FsBitrix.Esl.Events;
using FsBitrix.Esl.Inbound;
using FsBitrix.Leadership;
using FsBitrix.Metrics;
using FsBitrix.Outbox;
using FsBitrix.Queues;
using FsBitrix.Recordings;
using FsBitrix.SocketApp;
using FsBitrix.Status;
using FsBitrix.Tenants;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FsBitrix.Hosting;

/// <summary>Wires the service's parts: one object per concern, each knowing only the ones below it.</summary>
internal static class ServiceComposition
{
    /// <param name="options">
    /// Which parts exist (app mode, companies, queues, CDRs…), decided from the whole configuration; every part reads
    /// its values from its own section (<see cref="OptionsComposition"/>).
    /// </param>
    public static IServiceCollection AddFsBitrix(this IServiceCollection services, FsBitrixOptions options)
    {
        int first = services.Count;
        services.AddSingleton(TimeProvider.System);
        services.AddLeadership(shared: options.Storage.IsPostgres);
        services.AddServiceMetrics();
        services.AddStatusPage();

        // Opened before the host starts (FsBitrixApp.CreateAsync): the factories here only hand it out.
        services.AddSingleton<ServiceStartup>();
        services.AddSingleton(sp => sp.GetRequiredService<ServiceStartup>().Storage);
        services.AddSingleton(sp => sp.GetRequiredService<ServiceStartup>().Store);
        services.AddSingleton(sp => sp.GetRequiredService<ServiceStartup>().Storage.CallStates);

        if (options.AnyAppMode())
        {
            services.AddAppMode(options);
        }

        if (!options.Bitrix.IsAppMode)
        {
            services.AddSingleton<IDeliveryGate, OpenDeliveryGate>();
        }

        services.AddDefaultPortal(appMode: options.Bitrix.IsAppMode);
        services.AddRecordings(options);

        services.AddSingleton(sp =>
        {
            BitrixSettings bitrix = sp.GetRequiredService<BitrixSettings>();
            return new DeliveryOptions { DefaultUserId = bitrix.DefaultUserId, CrmCreate = bitrix.CrmCreate };
        });
        bool crmSearchWaited = options.EveryQueue.Any(q => q.ResponsibleFirstSeconds > 0) || options.OwnerLookup.Enabled;
        services.AddSingleton(sp => new CallerCrmMatches(crmSearchWaited, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<CommandDelivery>();
        services.AddSingleton<OutboxDispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<OutboxDispatcher>());
        services.AddHostedService(sp => new OutboxHousekeeping(sp.GetRequiredService<IOutboxStore>(), sp.GetRequiredService<IRecordingLinkStore>(),
            sp.GetRequiredService<StorageSettings>().KeepDeliveredFor, sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<OutboxHousekeeping>>()));

        // With several companies a call's first commands wait for its domain, which names the portal they go to.
        services.AddSingleton(sp => new CallReducer(sp.GetRequiredService<CallSettings>()));
        services.AddTenants(options);
        services.AddCallTracking();
        services.AddClickToCall();
        services.AddQueues(options);
        services.AddSocketApp(options);
        services.AddCdr(options);

        // Several instances on one PostgreSQL: only the leader follows FreeSWITCH and talks to Bitrix24 (docs/SCALING.md).
        if (options.Storage.IsPostgres)
        {
            services.RunOnLeaderOnly(first);
        }

        return services;
    }

    /// <summary>The default portal (<c>FsBitrix:Bitrix</c>, <c>FsBitrix:Users</c>): its client and its user directory.</summary>
    private static void AddDefaultPortal(this IServiceCollection services, bool appMode)
    {
        services.AddSingleton(sp =>
        {
            BitrixSettings bitrix = sp.GetRequiredService<BitrixSettings>();
            return new Bitrix24Client(
                new Bitrix24ClientOptions
                {
                    WebhookUrl = bitrix.WebhookUrl ?? string.Empty,
                    RateLimit = bitrix.RateLimitPerSecond <= 0
                        ? LeakyBucketOptions.Unlimited
                        : new LeakyBucketOptions { DrainPerSecond = bitrix.RateLimitPerSecond, Burst = bitrix.RateLimitBurst },
                    Operating = new Bitrix24.Retry.OperatingOptions { Limit = TimeSpan.FromSeconds(bitrix.OperatingLimitSeconds) },
                    MeterFactory = sp.GetRequiredService<IMeterFactory>(),
                    Portal = "default",
                },
                sp.GetRequiredService<ILogger<Bitrix24Client>>(),
                sp.GetRequiredService<TimeProvider>(),
                auth: appMode ? sp.GetRequiredService<IBitrix24Auth>() : null);
        });
        services.AddSingleton<IBitrix24Client>(sp => sp.GetRequiredService<Bitrix24Client>());

        services.AddSingleton(sp =>
        {
            var directoryOptions = new UserDirectoryOptions();
            foreach ((string extension, int userId) in sp.GetRequiredService<UsersSettings>())
            {
                directoryOptions.StaticMap[extension] = userId;
            }

            return new Bitrix24UserDirectory(sp.GetRequiredService<IBitrix24Client>(), directoryOptions,
                sp.GetRequiredService<ILogger<Bitrix24UserDirectory>>(), sp.GetRequiredService<TimeProvider>());
        });
        services.AddHostedService<UserDirectoryService>();
        services.AddSingleton<IUserResolver, UserDirectoryResolver>();
    }

    /// <summary>FreeSWITCH's event sockets (<c>FsBitrix:Esl</c>, one per node) and the call tracker they feed.</summary>
    private static void AddCallTracking(this IServiceCollection services)
    {
        services.AddSingleton(sp =>
        {
            TenantPortals portals = sp.GetRequiredService<TenantPortals>();
            return new CallTracker(
                sp.GetRequiredService<CallReducer>(),
                sp.GetRequiredService<IOutboxStore>(),
                sp.GetRequiredService<ICallStates>(),
                portals.All.Count == 1 ? portals.Default.Dispatcher.Appended : portals.Appended,
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<CallTracker>>(),
                portals.All.Count == 1 ? null : portals.TenantOf,
                sp.GetRequiredService<FreeSwitchNodes>().Default.Tag);
        });

        services.AddSingleton(sp => new FreeSwitchNodes(sp.GetRequiredService<EslSettings>(), sp.GetRequiredService<ILoggerFactory>(),
            sp.GetRequiredService<TimeProvider>()));

        // The default node's socket: what needs one node (and every single-node installation) takes it.
        services.AddSingleton(sp => sp.GetRequiredService<FreeSwitchNodes>().Default.Client);
        services.AddHostedService<CallTrackingService>();
    }
}
