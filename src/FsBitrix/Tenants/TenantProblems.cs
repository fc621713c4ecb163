using FsBitrix.Configuration;

namespace FsBitrix.Tenants;

/// <summary>What is wrong with <c>FsBitrix:Tenants</c>, one sentence per problem, refused at start (exit code 78).</summary>
internal static class TenantProblems
{
    public static IEnumerable<string> Find(FsBitrixOptions options)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < options.Tenants.Count; i++)
        {
            TenantSettings tenant = options.Tenants[i];
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

            if (!string.Equals(tenant.Auth, BitrixSettings.WebhookAuth, StringComparison.OrdinalIgnoreCase))
            {
                yield return $"{at}:Auth is '{tenant.Auth}': a company of FsBitrix:Tenants connects with an incoming webhook "
                    + "(WebhookUrl); a local application is supported for the default portal (FsBitrix:Bitrix) only";
            }
            else if (string.IsNullOrWhiteSpace(tenant.WebhookUrl))
            {
                yield return $"{at}:WebhookUrl is not set: the portal of {tenant.Domain} needs an incoming webhook (scopes telephony, user, crm)";
            }
            else if (!Uri.TryCreate(tenant.WebhookUrl, UriKind.Absolute, out Uri? url) || url.Segments.Length < 4
                || !url.AbsolutePath.StartsWith("/rest/", StringComparison.Ordinal))
            {
                yield return $"{at}:WebhookUrl does not look like https://portal/rest/<user id>/<code>/";
            }

            if (tenant.DefaultUserId <= 0)
            {
                yield return $"{at}:DefaultUserId must be a Bitrix24 user id of that portal (1 is usually its admin)";
            }
        }
    }
}
