using System.Text.Json;
using FsBitrix.AppMode;
using FsBitrix.Bitrix24;
using FsBitrix.Bitrix24.Auth;
using FsBitrix.Bitrix24.Errors;
using FsBitrix.Bitrix24.Events;
using FsBitrix.Bitrix24.Params;
using FsBitrix.Bitrix24.Retry;
using FsBitrix.ClickToCall;
using FsBitrix.Configuration;

namespace FsBitrix.Check;

/// <summary>
/// <c>check</c> in app mode: is the local application installed (the service's database holds its tokens), did the
/// OAuth server refuse them, and does the stored access token work — asked read-only, with that token as it is:
/// renewing here would rotate the refresh token under the running service's feet.
/// </summary>
/// <param name="bitrix">The portal's settings: the default's, or a company's (<c>TenantSettings.ToBitrixSettings</c>).</param>
/// <param name="tenant">The company (empty: the default portal) whose installation is read.</param>
/// <param name="section">Where the portal's settings are (<c>FsBitrix:Bitrix</c>, <c>FsBitrix:Tenants:N</c>), as fixes name them.</param>
internal sealed class AppModeCheck(StorageSettings storage, BitrixSettings bitrix, string tenant, string section, CheckReport report, TimeProvider time)
{
    public async Task<Bitrix24Client?> RunAsync(CancellationToken cancellationToken)
    {
        string whose = tenant.Length == 0 ? string.Empty : $"portal of {tenant}: ";
        report.Section($"Bitrix24 {whose}auth: app (local application {bitrix.ClientId}, events {(bitrix.IsOfflineEvents ? "offline, polled" : "online")})");
        OAuthGrant? grant = null;
        if (storage.IsPostgres || File.Exists(storage.Path))
        {
            await using Storage.ServiceStorage database = await Storage.ServiceStorage.OpenAsync(storage, time, cancellationToken).ConfigureAwait(false);
            using IInstallationStore store = database.Installation(tenant);
            grant = await store.LoadAsync(cancellationToken).ConfigureAwait(false);
        }

        if (grant is null)
        {
            report.Fail("the local application is not installed: no install call has reached this service",
                $"in Bitrix24 open the local application and save it, with \"Path for initial installation\" = https://<this server>{bitrix.InstallPath} "
                + "(the service must be running and reachable then); see README: Connect Bitrix24 as a local application");
            return null;
        }

        report.Ok($"installed on {grant.Domain} (member {grant.MemberId}), scopes {grant.Scope}");
        if (string.IsNullOrWhiteSpace(bitrix.ClientId) || string.IsNullOrWhiteSpace(bitrix.ClientSecret))
        {
            // The install works without them (the keys appear only after the form is saved); renewing the token does not.
            report.Fail($"{section}:ClientId or ClientSecret is not set: the access token cannot be renewed and stops working within the hour",
                "copy the Application ID and Application key from the local application's page in Bitrix24 into the configuration and restart");
        }

        if (grant.Refusal is not null)
        {
            report.Fail($"Bitrix24 refused to renew the tokens: {grant.Refusal}", "install the local application again (re-create it, or reinstall it from its page in Bitrix24); queued calls go out then");
            return null;
        }

        if (grant.ExpiresAt <= time.GetUtcNow())
        {
            report.Warn($"the stored access token expired at {grant.ExpiresAt:u}; the service renews it on its next call",
                "nothing to do while the service runs; run check again after a call");
            return null;
        }

        var client = new Bitrix24Client(new Bitrix24ClientOptions(), auth: new AccessTokenAuth(grant.ClientEndpoint, grant.AccessToken));
        try
        {
            IReadOnlyList<EventHandlerRow> rows = await client.GetEventHandlersAsync(cancellationToken).ConfigureAwait(false);
            ReportBindings([.. rows.Where(r => r.EventName == BitrixCallEvent.ClickToCallEvent)], bitrix.IsOfflineEvents);
        }
        catch (Bitrix24Exception ex)
        {
            report.Fail($"the stored access token does not work: {ex.Message}", "install the local application again (re-create it, or reinstall it from its page in Bitrix24)");
            client.Dispose();
            return null;
        }

        return client;
    }

    /// <summary>Clicks reach the service only through rows of the configured kind; with both, every click comes twice.</summary>
    private void ReportBindings(List<EventHandlerRow> rows, bool offline)
    {
        string wanted = offline ? "offline" : "online";
        int ours = rows.Count(r => r.Offline == offline);
        int other = rows.Count - ours;
        if (rows.Count == 0)
        {
            report.Fail("ONEXTERNALCALLSTART is not bound: clicks in Bitrix24 do not reach this service",
                "start the service (it binds the events at start-up and every FsBitrix:Bitrix:BindingsCheckInterval), or install the local application again");
        }
        else if (ours == 0)
        {
            report.Fail($"ONEXTERNALCALLSTART is bound {(offline ? "online" : "offline")}, but {section}:Events is {wanted}: clicks do not reach this service",
                "restart the service: it binds the configured kind at start-up and unbinds the other");
        }
        else if (other > 0)
        {
            report.Warn("ONEXTERNALCALLSTART is bound both online and offline: Bitrix24 delivers every click twice (FsBitrix acts on it once), "
                + $"and the kind {section}:Events does not name piles up in Bitrix24's offline queue or goes to an address that may be gone",
                $"restart the service: it unbinds the kind {section}:Events does not name");
        }
        else
        {
            string where = offline ? "offline (polled)" : string.Join(", ", rows.Select(r => r.Handler?.AbsoluteUri ?? "?"));
            report.Ok($"app mode works: access token accepted, ONEXTERNALCALLSTART bound {where}");
        }
    }
}
