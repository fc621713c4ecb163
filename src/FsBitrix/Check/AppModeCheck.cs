using System.Text.Json;
using FsBitrix.AppMode;
using FsBitrix.Bitrix24;
using FsBitrix.Bitrix24.Auth;
using FsBitrix.Bitrix24.Errors;
using FsBitrix.Bitrix24.Params;
using FsBitrix.Bitrix24.Retry;
using FsBitrix.Configuration;

namespace FsBitrix.Check;

/// <summary>
/// <c>check</c> in app mode: is the local application installed (the service's database holds its tokens), did the
/// OAuth server refuse them, and does the stored access token work — asked read-only, with that token as it is:
/// renewing here would rotate the refresh token under the running service's feet.
/// </summary>
internal sealed class AppModeCheck(FsBitrixOptions options, CheckReport report, TimeProvider time)
{
    public async Task<Bitrix24Client?> RunAsync(CancellationToken cancellationToken)
    {
        BitrixSettings bitrix = options.Bitrix;
        report.Section($"Bitrix24 auth: app (local application {bitrix.ClientId}, events {(bitrix.IsOfflineEvents ? "offline, polled" : "online")})");
        OAuthGrant? grant = null;
        if (File.Exists(options.Storage.Path))
        {
            using var store = new InstallationStore(options.Storage.Path, time);
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
            report.Fail("FsBitrix:Bitrix:ClientId or ClientSecret is not set: the access token cannot be renewed and stops working within the hour",
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
            int bound = await client.CallAsync(Bitrix24Methods.EventGet, new BitrixParams(), RetryRule.Idempotent,
                static r => r.Result.ValueKind == JsonValueKind.Array
                    ? r.Result.EnumerateArray().Count(e => e.TryGetProperty("event", out JsonElement n) && string.Equals(n.GetString(), "ONEXTERNALCALLSTART", StringComparison.OrdinalIgnoreCase))
                    : 0,
                cancellationToken).ConfigureAwait(false);
            if (bound == 0)
            {
                report.Fail("ONEXTERNALCALLSTART is not bound: clicks in Bitrix24 do not reach this service", "install the local application again (re-create it, or reinstall it from its page in Bitrix24)");
            }
            else
            {
                report.Ok($"app mode works: access token accepted, ONEXTERNALCALLSTART bound ({bound} row(s))");
            }
        }
        catch (Bitrix24Exception ex)
        {
            report.Fail($"the stored access token does not work: {ex.Message}", "install the local application again (re-create it, or reinstall it from its page in Bitrix24)");
            client.Dispose();
            return null;
        }

        return client;
    }
}
