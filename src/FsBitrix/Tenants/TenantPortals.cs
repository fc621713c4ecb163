using System.Diagnostics.Metrics;
using FsBitrix.Bitrix24;
using FsBitrix.Bitrix24.RateLimiting;
using FsBitrix.Bitrix24.Users;
using FsBitrix.Configuration;
using FsBitrix.Core.Calls;
using FsBitrix.Hosting;
using FsBitrix.Outbox;
using FsBitrix.Recordings;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FsBitrix.Tenants;

/// <summary>
/// Every company's portal, the default first. Which portal a call's commands go to is decided once, from the call's
/// FreeSWITCH domain (<see cref="CallState.Domain"/>): a listed domain's portal, else the default.
/// </summary>
internal sealed class TenantPortals
{
    private readonly Dictionary<string, TenantPortal> _byKey = new(StringComparer.Ordinal);

    public TenantPortals(BitrixSettings bitrix, TenantsSettings tenants, IServiceProvider services)
    {
        Default = new TenantPortal(IOutboxStore.DefaultTenant, bitrix.ApplicationToken, services.GetRequiredService<Bitrix24Client>(),
            services.GetRequiredService<Bitrix24UserDirectory>(), services.GetRequiredService<OutboxDispatcher>(),
            bitrix.DefaultUserId, bitrix.CrmCreate)
        {
            Gate = services.GetRequiredService<IDeliveryGate>(),
        };
        All = [Default, .. tenants.Select(t => Build(t, services))];
        foreach (TenantPortal portal in All)
        {
            _byKey[portal.Key] = portal;
        }
    }

    public TenantPortal Default { get; }

    /// <summary>The default portal, then the companies of <c>FsBitrix:Tenants</c> in their order.</summary>
    public IReadOnlyList<TenantPortal> All { get; }

    /// <summary>The outbox key of a call's company: its domain when a portal is configured for it, else the default's.</summary>
    public string TenantOf(CallState state) =>
        state.Domain is { } domain && _byKey.ContainsKey(domain) ? domain : IOutboxStore.DefaultTenant;

    public TenantPortal Get(string key) => _byKey[key];

    /// <summary>The company's portal, or null when the key names no configured company (it was removed since).</summary>
    public TenantPortal? Find(string key) => _byKey.GetValueOrDefault(key);

    /// <summary>
    /// What became of every command of every company, with the company's name (metrics, the status page); dispose to
    /// stop hearing it.
    /// </summary>
    public IDisposable OnDelivered(Action<string, OutboxEntry, DeliveryResult> handler)
    {
        var handlers = new List<(OutboxDispatcher Dispatcher, Action<OutboxEntry, DeliveryResult> Handler)>();
        foreach (TenantPortal portal in All)
        {
            string name = portal.Name;
            void Delivered(OutboxEntry entry, DeliveryResult result) => handler(name, entry, result);
            portal.Dispatcher.CommandDelivered += Delivered;
            handlers.Add((portal.Dispatcher, Delivered));
        }

        return System.Reactive.Disposables.Disposable.Create(() =>
        {
            foreach ((OutboxDispatcher dispatcher, Action<OutboxEntry, DeliveryResult> delivered) in handlers)
            {
                dispatcher.CommandDelivered -= delivered;
            }
        });
    }

    /// <summary>New commands were committed: every company's dispatcher looks (each reads only its own).</summary>
    public void Appended()
    {
        foreach (TenantPortal portal in All)
        {
            portal.Dispatcher.Appended();
        }
    }

    private static TenantPortal Build(TenantSettings tenant, IServiceProvider services)
    {
        // A company connected as a local application: its requests carry its installation's token, and its commands
        // wait (the gate) until that portal has installed the app.
        AppMode.AppInstallation? app = tenant.IsAppMode ? services.GetRequiredService<AppMode.AppInstallations>().Find(tenant.Key) : null;
        TimeProvider time = services.GetRequiredService<TimeProvider>();
        ILoggerFactory loggers = services.GetRequiredService<ILoggerFactory>();
        var client = new Bitrix24Client(
            new Bitrix24ClientOptions
            {
                WebhookUrl = app is null ? tenant.WebhookUrl ?? string.Empty : string.Empty,
                RateLimit = tenant.RateLimitPerSecond <= 0
                    ? LeakyBucketOptions.Unlimited
                    : new LeakyBucketOptions { DrainPerSecond = tenant.RateLimitPerSecond, Burst = tenant.RateLimitBurst },
                Operating = new Bitrix24.Retry.OperatingOptions { Limit = TimeSpan.FromSeconds(tenant.OperatingLimitSeconds) },
                MeterFactory = services.GetRequiredService<IMeterFactory>(),
                Portal = tenant.Key,
            },
            loggers.CreateLogger<Bitrix24Client>(), time, auth: app?.Auth);
        var directoryOptions = new UserDirectoryOptions();
        foreach ((string extension, int userId) in tenant.Users)
        {
            directoryOptions.StaticMap[extension] = userId;
        }

        var directory = new Bitrix24UserDirectory(client, directoryOptions, loggers.CreateLogger<Bitrix24UserDirectory>(), time);
        DeliveryOptions deliveryOptions = services.GetRequiredService<DeliveryOptions>() with
        {
            DefaultUserId = tenant.DefaultUserId,
            CrmCreate = tenant.CrmCreate,
        };
        IOutboxStore store = services.GetRequiredService<IOutboxStore>();
        var delivery = new CommandDelivery(client, services.GetRequiredService<ICallStates>(), new UserDirectoryResolver(directory), services.GetRequiredService<IRecordingSource>(),
            services.GetRequiredService<CallerCrmMatches>(), deliveryOptions, time);
        var dispatcher = new OutboxDispatcher(store, delivery, deliveryOptions, app?.Gate ?? (IDeliveryGate)new OpenDeliveryGate(), time,
            loggers.CreateLogger<OutboxDispatcher>(), tenant.Key);
        return new TenantPortal(tenant.Key, tenant.ApplicationToken, client, directory, dispatcher, tenant.DefaultUserId, tenant.CrmCreate)
        {
            Gate = app?.Gate,
        };
    }
}
