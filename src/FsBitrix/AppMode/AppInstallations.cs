using FsBitrix.Bitrix24.Auth;
using FsBitrix.Configuration;
using FsBitrix.Hosting;
using FsBitrix.Outbox;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FsBitrix.AppMode;

/// <summary>
/// Every portal connected as a local application, the default one first when it is one. Each company's installation
/// is its own row in the database, its own tokens and renewals: one portal's app removed never stops another's calls.
/// </summary>
internal sealed class AppInstallations : IDisposable
{
    private AppInstallations(IReadOnlyList<AppInstallation> all) => All = all;

    public IReadOnlyList<AppInstallation> All { get; }

    /// <summary>The installation of a company (empty key: the default portal), or null when it uses a webhook.</summary>
    public AppInstallation? Find(string tenant) => All.FirstOrDefault(a => a.Tenant == tenant);

    /// <summary>The installation whose configured portal an install call names, or null (then the install is refused).</summary>
    public AppInstallation? ForPortal(string domain, Uri clientEndpoint) =>
        All.FirstOrDefault(a => a.IsFor(domain) && (a.IsFor(clientEndpoint.Authority) || a.IsFor(clientEndpoint.Host)));

    /// <summary>The portals <c>FsBitrix:Bitrix</c> and <c>FsBitrix:Tenants</c> connect as applications.</summary>
    public static AppInstallations Create(IServiceProvider services)
    {
        BitrixSettings bitrix = services.GetRequiredService<BitrixSettings>();
        // Opened before the host starts (ServiceStartup), with the outbox, which creates an SQLite file readable by the service user only.
        Storage.ServiceStorage database = services.GetRequiredService<ServiceStartup>().Storage;
        var all = new List<AppInstallation>();
        if (bitrix.IsAppMode)
        {
            all.Add(Build(string.Empty, bitrix, database, services));
        }

        foreach (Tenants.TenantSettings tenant in services.GetRequiredService<Tenants.TenantsSettings>().Where(t => t.IsAppMode))
        {
            all.Add(Build(tenant.Key, tenant.ToBitrixSettings(bitrix), database, services));
        }

        return new AppInstallations(all);
    }

    public void Dispose()
    {
        foreach (AppInstallation installation in All)
        {
            installation.Dispose();
        }
    }

    private static AppInstallation Build(string tenant, BitrixSettings settings, Storage.ServiceStorage database, IServiceProvider services)
    {
        TimeProvider time = FeatureClocks.Of(services, FeatureClocks.Auth);
        IInstallationStore store = database.Installation(tenant);
        var auth = new OAuthAuth(
            new OAuthAppOptions
            {
                // Empty until the admin copies them in after the install (they appear only after the form is saved).
                ClientId = settings.ClientId ?? string.Empty,
                ClientSecret = settings.ClientSecret ?? string.Empty,
                TokenUrl = string.IsNullOrWhiteSpace(settings.OAuthUrl) ? null : new Uri(settings.OAuthUrl),
                RefreshAhead = settings.TokenRefreshAhead,
            },
            store,
            time,
            services.GetRequiredService<ILogger<OAuthAuth>>());
        var setup = new AppSetup(store, settings, tenant.Length == 0 ? "FsBitrix:Bitrix" : $"the company {tenant}'s settings",
            services.GetRequiredService<ILogger<AppSetup>>());
        return new AppInstallation(tenant, settings, store, auth, setup);
    }
}
