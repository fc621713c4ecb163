using FsBitrix.Configuration;

namespace FsBitrix.Tenants;

/// <summary>What is wrong with <c>FsBitrix:Tenants</c>, one sentence per problem, refused at start (exit code 78).</summary>
internal static class TenantProblems
{
    /// <param name="bitrix">The default portal's settings: an application's portal may not be a company's too.</param>
    public static IEnumerable<string> Find(BitrixSettings bitrix, TenantsSettings tenants)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);

        // Portals installed as an application: an install call names its portal, which must say whose it is.
        var portals = new HashSet<string>(StringComparer.Ordinal);
        if (bitrix.IsAppMode && bitrix.Domain is { Length: > 0 } defaultPortal)
        {
            portals.Add(defaultPortal.Trim().ToLowerInvariant());
        }

        for (int i = 0; i < tenants.Count; i++)
        {
            TenantSettings tenant = tenants[i];
            string at = $"FsBitrix:Tenants:{i}";
            if (tenant.Key.Length == 0)
            {
                yield return $"{at}:Domain is not set: name the FreeSWITCH domain whose calls go to this portal (e.g. b.example)";
                continue;
            }

            if (!seen.Add(tenant.Key))
            {
                yield return $"{at}:Domain '{tenant.Domain}' is listed twice: each FreeSWITCH domain goes to one portal";
            }

            if (tenant.IsAppMode)
            {
                foreach (string problem in ConfigurationProblems.AppProblems(tenant.ToBitrixSettings(bitrix), at, "PortalDomain"))
                {
                    // The shared settings' problems are said once, for FsBitrix:Bitrix.
                    if (!problem.Contains("FsBitrix:Bitrix:", StringComparison.Ordinal) || !bitrix.IsAppMode)
                    {
                        yield return problem;
                    }
                }

                if (tenant.PortalDomain is { Length: > 0 } portal && !portals.Add(portal.Trim().ToLowerInvariant()))
                {
                    yield return $"{at}:PortalDomain '{portal}' is another company's portal too: each portal installs the application for one company";
                }
            }
            else if (!string.Equals(tenant.Auth, BitrixSettings.WebhookAuth, StringComparison.OrdinalIgnoreCase))
            {
                yield return $"{at}:Auth is '{tenant.Auth}': use 'webhook' (an incoming webhook, WebhookUrl) or 'app' (a local application: PortalDomain, ClientId, ClientSecret)";
            }
            else if (string.IsNullOrWhiteSpace(tenant.WebhookUrl))
            {
                yield return $"{at}:WebhookUrl is not set: the portal of {tenant.Domain} needs an incoming webhook (scopes telephony, user, crm) "
                    + "or a local application (Auth=app)";
            }
            else if (!Uri.TryCreate(tenant.WebhookUrl, UriKind.Absolute, out Uri? url) || url.Segments.Length < 4
                || !url.AbsolutePath.StartsWith("/rest/", StringComparison.Ordinal))
            {
                yield return $"{at}:WebhookUrl does not look like https://portal/rest/<user id>/<code>/";
            }

            if (!tenant.IsAppMode && tenant.Events.Equals(BitrixSettings.OfflineEvents, StringComparison.OrdinalIgnoreCase))
            {
                yield return $"{at}:Events=offline needs {at}:Auth=app: Bitrix24 gives offline events only to applications";
            }

            if (tenant.DefaultUserId <= 0)
            {
                yield return $"{at}:DefaultUserId must be a Bitrix24 user id of that portal (1 is usually its admin)";
            }
        }
    }
}
