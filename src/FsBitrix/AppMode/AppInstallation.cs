using FsBitrix.Bitrix24.Auth;
using FsBitrix.Configuration;

namespace FsBitrix.AppMode;

/// <summary>
/// One portal connected as a local application — the default portal (<c>Bitrix:Auth=app</c>) or a company's
/// (<c>Tenants:N:Auth=app</c>): its settings, its installation in the database, the OAuth renewals of its tokens, the
/// gate that holds its commands while it is not installed, and what it must hold in the portal (bindings, lines).
/// </summary>
internal sealed class AppInstallation(string tenant, BitrixSettings settings, IInstallationStore store, OAuthAuth auth, AppSetup setup) : IDisposable
{
    /// <summary>The company's outbox key: empty for the default portal, else its FreeSWITCH domain.</summary>
    public string Tenant { get; } = tenant;

    /// <summary>How logs and health name it.</summary>
    public string Name => Tenant.Length == 0 ? "default" : Tenant;

    /// <summary>The portal's settings; for a company, its own with the service's endpoints (<c>TenantSettings.ToBitrixSettings</c>).</summary>
    public BitrixSettings Settings { get; } = settings;

    public IInstallationStore Store { get; } = store;

    public OAuthAuth Auth { get; } = auth;

    public AppDeliveryGate Gate { get; } = new(auth);

    public AppSetup Setup { get; } = setup;

    /// <summary>Whether an install call naming this portal (its <c>DOMAIN</c> or client endpoint) is for this installation.</summary>
    public bool IsFor(string domain) =>
        string.Equals(domain, Settings.Domain, StringComparison.OrdinalIgnoreCase);

    public void Dispose()
    {
        Auth.Dispose();
        Store.Dispose();
    }
}
