using FsBitrix.Bitrix24;
using FsBitrix.Bitrix24.Users;
using FsBitrix.Outbox;

namespace FsBitrix.Tenants;

/// <summary>
/// One company's portal and what talks to it: its client (own rate budget, retries, auth), its user directory, and
/// its outbox dispatcher, which delivers only that company's commands with its own slots, so a portal that is down
/// or slow never holds another company's calls. The default company's parts are the service's singletons.
/// </summary>
internal sealed record TenantPortal(
    string Key,
    string? ApplicationToken,
    Bitrix24Client Client,
    Bitrix24UserDirectory Directory,
    OutboxDispatcher Dispatcher,
    int DefaultUserId,
    bool CrmCreate)
{
    /// <summary>The FreeSWITCH domain its calls are dialled in; null for the default company (the switch's default domain).</summary>
    public string? Domain => Key.Length == 0 ? null : Key;

    /// <summary>A company's local application's gate (open while it is installed); null with a webhook.</summary>
    public IDeliveryGate? Gate { get; init; }

    /// <summary>How logs and health name it: the domain, or "default".</summary>
    public string Name => Key.Length == 0 ? "default" : Key;
}
