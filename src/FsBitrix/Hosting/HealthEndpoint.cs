using FsBitrix.AppMode;
using FsBitrix.Bitrix24.Auth;
using FsBitrix.Calls;
using FsBitrix.Configuration;
using FsBitrix.Esl.Inbound;
using FsBitrix.Outbox;
using FsBitrix.Tenants;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace FsBitrix.Hosting;

/// <summary>
/// <c>GET /healthz</c>: 200 when FreeSWITCH is connected and Bitrix24 can be called, 503 otherwise; the body says what
/// an admin needs: ESL state, outbox depth, calls followed, when Bitrix24 last answered, and in app mode whether the
/// application is installed and its tokens still renew (with what to do when not).
/// </summary>
internal static class HealthEndpoint
{
    public static void MapHealth(this IEndpointRouteBuilder app) =>
        app.MapGet("/healthz", async (FreeSwitchNodes nodes, IOutboxStore outbox, OutboxDispatcher dispatcher, CallTracker tracker,
            BitrixSettings bitrix, TenantPortals portals, TimeProvider time, IServiceProvider services, CancellationToken cancellationToken) =>
        {
            try
            {
                return await ReportAsync(nodes, outbox, dispatcher, tracker, bitrix, portals, time, services, cancellationToken).ConfigureAwait(false);
            }
            catch (System.Data.Common.DbException e)
            {
                // The database cannot be read (PostgreSQL restarting, a disk gone): said in one line, not a stack trace.
                return Results.Json(new { status = "degraded", role = services.GetRequiredService<Leadership.InstanceRole>().Role, database = e.Message },
                    statusCode: StatusCodes.Status503ServiceUnavailable);
            }
        });

    private static async Task<IResult> ReportAsync(FreeSwitchNodes nodes, IOutboxStore outbox, OutboxDispatcher dispatcher, CallTracker tracker,
        BitrixSettings bitrix, TenantPortals portals, TimeProvider time, IServiceProvider services, CancellationToken cancellationToken)
    {
        EslInboundClient esl = nodes.Default.Client;
        EslConnectionState state = esl.State;
        AppAuthState? appAuth = services.GetService<OAuthAuth>()?.State;
        string? appProblem = appAuth is null ? null : appAuth.Problem ?? MissingKeys(bitrix, "FsBitrix:Bitrix");
        WriteProblem? writeProblem = tracker.OutboxWriteProblem;
        AppInstallations? installations = services.GetService<AppInstallations>();

        // A company whose application is not installed (or refused) has its calls waiting: degraded, with its name.
        bool companiesCanCall = installations?.All.Where(a => a.Tenant.Length > 0).All(a => a.Auth.State.CanCall && AppProblem(a) is null) ?? true;
        // A standby (several instances on one PostgreSQL) follows no node and calls no portal: it is well when it serves.
        Leadership.InstanceRole leadership = services.GetRequiredService<Leadership.InstanceRole>();
        bool standby = leadership.Shared && !leadership.IsLeading;
        bool healthy = standby || nodes.All.All(n => n.Client.State.IsConnected) && (appAuth is null || (appAuth.CanCall && appProblem is null)) && writeProblem is null && companiesCanCall;
        long pending = await outbox.PendingCountAsync(cancellationToken).ConfigureAwait(false);
        IReadOnlyList<LaneBacklog> lanes = await outbox.LanesAsync(dispatcher.Tenant, cancellationToken).ConfigureAwait(false);
        DateTimeOffset now = time.GetUtcNow();
        var body = new
        {
            status = standby ? "standby" : healthy ? "ok" : "degraded",

            // single (one box), leader or standby (several instances on one PostgreSQL, docs/SCALING.md).
            role = leadership.Role,
            esl = new
            {
                connected = state.IsConnected,
                state = state.Status.ToString(),
                since = state.Since,
                connections = state.Epoch,
                lastError = state.LastError?.Message,
                eventsDelivered = esl.Statistics.EventsDelivered,
                eventsDelayedByBackpressure = esl.Statistics.EventsDelayedByBackpressure,
            },
            // Every FreeSWITCH node (Esl:Nodes); "esl" above is the first one's.
            nodes = nodes.All.Select(n => n.Report()),
            outbox = new
            {
                pending,
                delivered = dispatcher.Delivered,

                // What waits, by urgency, and for how long: ringing (register, show), hide, finish, recording.
                lanes = lanes.ToDictionary(l => l.Lane.ToString().ToLowerInvariant(),
                    l => new { waiting = l.Waiting, oldestSeconds = Math.Round((now - l.Oldest).TotalSeconds, 1) }),

                // The portal's limits are what holds commands back: its request bucket is full, or methods wait for
                // their operating time (Bitrix:OperatingLimitSeconds) to be released.
                portalLimit = new
                {
                    bottleneck = pending > 0 && (dispatcher.BudgetShort || dispatcher.HeldMethods.Count > 0),
                    requestBudgetShort = dispatcher.BudgetShort,
                    heldMethods = dispatcher.HeldMethods,
                },

                // A full or failing disk: calls are still followed, their steps wait in memory until it writes again.
                writeProblem = writeProblem is null ? null : new { error = writeProblem.Error, since = writeProblem.Since },
            },
            bitrix24 = new
            {
                lastSuccess = dispatcher.LastSuccess,
                auth = appAuth is null ? "webhook" : "app",
                app = appAuth is null ? null : new
                {
                    state = appAuth.Status.ToString(),
                    since = appAuth.Since,
                    problem = appProblem,
                    events = bitrix.IsOfflineEvents ? "offline" : "online",
                },
            },
            calls = new { active = tracker.ActiveCalls },

            // Each company's portal on its own (several companies on one switch): empty with one portal.
            tenants = await TenantsAsync(portals, installations, outbox, cancellationToken).ConfigureAwait(false),
        };
        return Results.Json(body, statusCode: healthy ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
    }

    private static async Task<List<object>> TenantsAsync(TenantPortals portals, AppInstallations? installations, IOutboxStore outbox,
        CancellationToken cancellationToken)
    {
        var tenants = new List<object>();
        foreach (TenantPortal portal in portals.All.Skip(1))
        {
            AppInstallation? app = installations?.Find(portal.Key);
            tenants.Add(new
            {
                domain = portal.Key,
                pending = await outbox.PendingCountAsync(portal.Key, cancellationToken).ConfigureAwait(false),
                delivered = portal.Dispatcher.Delivered,
                lastSuccess = portal.Dispatcher.LastSuccess,
                auth = app is null ? "webhook" : "app",
                app = app is null ? null : new
                {
                    state = app.Auth.State.Status.ToString(),
                    since = app.Auth.State.Since,
                    problem = AppProblem(app),
                    events = app.Settings.IsOfflineEvents ? "offline" : "online",
                },
            });
        }

        return tenants;
    }

    private static string? AppProblem(AppInstallation app) => app.Auth.State.Problem ?? MissingKeys(app.Settings, $"FsBitrix:Tenants ({app.Tenant})");

    /// <summary>
    /// The install works without the app's keys (they appear only once its form is saved), so calls go out for the
    /// first hour; the renewal then fails. Degraded now, while there is time to copy them in.
    /// </summary>
    private static string? MissingKeys(BitrixSettings bitrix, string section) =>
        string.IsNullOrWhiteSpace(bitrix.ClientId) || string.IsNullOrWhiteSpace(bitrix.ClientSecret)
            ? $"{section}:ClientId or ClientSecret is not set: the access token cannot be renewed and stops working within the hour; "
                + "copy the Application ID and Application key from the local application's page in Bitrix24 into the configuration and restart"
            : null;
}
