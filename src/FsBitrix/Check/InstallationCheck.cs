using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using FsBitrix.Bitrix24;
using FsBitrix.Bitrix24.Errors;
using FsBitrix.Bitrix24.Params;
using FsBitrix.Bitrix24.Retry;
using FsBitrix.Bitrix24.Users;
using FsBitrix.Configuration;
using FsBitrix.Esl.Connection;
using FsBitrix.Esl.Inbound;
using FsBitrix.Queues;

namespace FsBitrix.Check;

/// <summary>
/// <c>fsbitrix check</c>: what an admin runs after installing. Validates the configuration, logs in to FreeSWITCH's
/// event socket, calls the webhook (users, a harmless telephony read) and lists extensions without a Bitrix24 user.
/// </summary>
internal sealed class InstallationCheck(FsBitrixOptions options, CheckReport report, TimeProvider? time = null)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(8);

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        report.Section("Configuration");
        IReadOnlyList<string> problems = ConfigurationProblems.Find(options);
        foreach (string problem in problems)
        {
            report.Fail(problem, "edit appsettings.json (section FsBitrix) or set the FsBitrix__... environment variable");
        }

        if (problems.Count == 0)
        {
            report.Ok($"settings complete (recordings: {options.Recordings.Mode}, storage: {(options.Storage.IsPostgres ? "PostgreSQL" : options.Storage.Path)})");
        }

        if (problems.Count == 0 && options.Storage.IsPostgres)
        {
            await StorageCheck.RunAsync(options.Storage, report, cancellationToken).ConfigureAwait(false);
        }

        await CheckEncoderAsync(cancellationToken).ConfigureAwait(false);

        // Every node (Esl:Nodes); the extensions are every node's directory together.
        var directory = new List<(string Extension, string Domain)>();
        foreach (EslNodeSettings node in options.Esl.EffectiveNodes())
        {
            directory.AddRange(await CheckFreeSwitchAsync(node, cancellationToken).ConfigureAwait(false));
        }


        // Each company's extensions are checked against its own portal; the default portal has the rest.
        HashSet<string> tenantDomains = [.. options.Tenants.Select(t => t.Key)];
        List<string> Extensions(Func<string, bool> ofDomain) =>
            [.. directory.Where(d => ofDomain(d.Domain.ToLowerInvariant())).Select(d => d.Extension).Distinct().Order(StringComparer.Ordinal)];
        List<string> defaults = Extensions(domain => !tenantDomains.Contains(domain));
        if (problems.Count == 0 && options.Bitrix.IsAppMode)
        {
            using Bitrix24Client? app = await new AppModeCheck(options.Storage, options.Bitrix, string.Empty, "FsBitrix:Bitrix", report, time ?? TimeProvider.System)
                .RunAsync(cancellationToken).ConfigureAwait(false);
            if (app is not null)
            {
                await CheckBitrixAsync(app, defaults, options.Users.Keys, cancellationToken).ConfigureAwait(false);
            }
        }
        else if (!string.IsNullOrWhiteSpace(options.Bitrix.WebhookUrl) && problems.Count == 0)
        {
            using var client = new Bitrix24Client(new Bitrix24ClientOptions { WebhookUrl = options.Bitrix.WebhookUrl! });
            report.Section($"Bitrix24 auth: webhook {client.Webhook}" + (tenantDomains.Count > 0 ? " (the default portal: calls of other domains)" : string.Empty));
            await CheckBitrixAsync(client, defaults, options.Users.Keys, cancellationToken).ConfigureAwait(false);
        }

        for (int i = 0; i < (problems.Count == 0 ? options.Tenants.Count : 0); i++)
        {
            Tenants.TenantSettings tenant = options.Tenants[i];
            List<string> extensions = Extensions(domain => domain == tenant.Key);
            if (tenant.IsAppMode)
            {
                using Bitrix24Client? app = await new AppModeCheck(options.Storage, tenant.ToBitrixSettings(options.Bitrix), tenant.Key, $"FsBitrix:Tenants:{i}",
                    report, time ?? TimeProvider.System).RunAsync(cancellationToken).ConfigureAwait(false);
                if (app is not null)
                {
                    await CheckBitrixAsync(app, extensions, tenant.Users.Keys, cancellationToken).ConfigureAwait(false);
                }

                continue;
            }

            using var client = new Bitrix24Client(new Bitrix24ClientOptions { WebhookUrl = tenant.WebhookUrl! });
            report.Section($"Bitrix24 portal of {tenant.Key}: webhook {client.Webhook}");
            await CheckBitrixAsync(client, extensions, tenant.Users.Keys, cancellationToken).ConfigureAwait(false);
        }

        return report.Failures == 0 ? 0 : 1;
    }

    /// <returns>The directory's extensions with their domains (<c>list_users</c>: user|context|domain|…).</returns>
    /// <summary>MP3 recordings need FFmpeg with libmp3lame; without it they go as WAV, eight times the portal's Drive.</summary>
    private async Task CheckEncoderAsync(CancellationToken cancellationToken)
    {
        if (!options.Recordings.WantsMp3)
        {
            report.Ok("recordings are sent as WAV (Recordings:Format=wav)");
            return;
        }

        (string? path, string? problem) = await Recordings.Mp3Encoder.FindAsync(options.Recordings.Encoder, cancellationToken).ConfigureAwait(false);
        if (path is not null)
        {
            report.Ok($"recordings are encoded to MP3 by {path} ({options.Recordings.Mp3KbpsPerChannel} kbit/s per channel)");
        }
        else
        {
            report.Warn($"recordings go as WAV, not MP3: the encoder {problem}",
                "apt-get install ffmpeg (or set FsBitrix:Recordings:Format=wav to keep WAV on purpose)");
        }
    }

    private async Task<IReadOnlyList<(string Extension, string Domain)>> CheckFreeSwitchAsync(EslNodeSettings node, CancellationToken cancellationToken)
    {
        string address = $"{node.Host}:{node.Port}";
        report.Section(node.Name == address ? $"FreeSWITCH event socket {address}" : $"FreeSWITCH node {node.Name}: event socket {address}");
        await using var esl = new EslInboundClient(new EslInboundOptions
        {
            Host = node.Host,
            Port = node.Port,
            Password = node.Password,
            ConnectTimeout = TimeSpan.FromSeconds(3),
        });
        Task<EslConnectionState> outcome = esl.ConnectionStates
            .FirstAsync(s => s.IsConnected || s.Status == EslConnectionStatus.Refused || (s.LastError is not null && s.Epoch == 0))
            .ToTask(cancellationToken);
        await esl.StartAsync(cancellationToken).ConfigureAwait(false);
        EslConnectionState state;
        try
        {
            state = await outcome.WaitAsync(Patience, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            report.Fail("no answer from the event socket", "is FreeSWITCH running with mod_event_socket loaded? (fs_cli -x 'module_exists mod_event_socket')");
            return [];
        }

        if (!state.IsConnected)
        {
            report.Fail($"cannot log in: {state.LastError?.Message}", state.Status == EslConnectionStatus.Refused
                ? "set FsBitrix:Esl:Password to the password in event_socket.conf.xml, and allow this host in its apply-inbound-acl"
                : "check FsBitrix:Esl:Host/Port against listen-ip/listen-port in event_socket.conf.xml");
            return [];
        }

        EslReply version = await esl.ApiAsync("version", cancellationToken).ConfigureAwait(false);
        report.Ok($"logged in; {version.Text.Trim()}");
        EslReply users = await esl.ApiAsync("list_users", cancellationToken).ConfigureAwait(false);
        if (!users.IsSuccess)
        {
            report.Warn("cannot list the directory's extensions (list_users)", "nothing to do if extensions are not in the XML directory");
            return [];
        }

        List<(string Extension, string Domain)> extensions = users.Text.Split('\n').Skip(1)
            .Select(line => line.Split('|'))
            .Select(f => (Extension: f[0].Trim(), Domain: f.Length > 2 ? f[2].Trim() : string.Empty))
            .Where(d => d.Extension.Length > 0 && d.Extension.All(char.IsAsciiDigit) && d.Extension.Length < options.Calls.ExternalNumberMinLength)
            .Distinct().OrderBy(d => d.Domain, StringComparer.Ordinal).ThenBy(d => d.Extension, StringComparer.Ordinal).ToList();
        bool oneDomain = extensions.Select(d => d.Domain).Distinct().Count() <= 1;
        report.Ok($"{extensions.Count} extension(s) in the directory: "
            + string.Join(", ", extensions.Select(d => oneDomain ? d.Extension : $"{d.Extension}@{d.Domain}")));
        return extensions;
    }

    private async Task CheckBitrixAsync(Bitrix24Client client, IReadOnlyList<string> extensions, IEnumerable<string> staticUsers,
        CancellationToken cancellationToken)
    {
        IReadOnlyList<Bitrix24User> users;
        try
        {
            users = await client.GetUsersAsync(UserFilter.ActiveEmployees, cancellationToken).ConfigureAwait(false);
            report.Ok($"user.get: {users.Count} active employee(s), {users.Count(u => !string.IsNullOrEmpty(u.UfPhoneInner))} with an extension");
        }
        catch (Bitrix24Exception ex)
        {
            report.Fail($"user.get failed: {ex.Message}", Fix(ex, "user"));
            return;
        }

        await ProbeAsync(client, "telephony.externalcall.searchCrmEntities", new BitrixParams().Add("PHONE_NUMBER", "+70000000000"),
            "telephony and crm", cancellationToken).ConfigureAwait(false);
        await ProbeAsync(client, "telephony.externalLine.get", new BitrixParams(), "telephony (application context)", cancellationToken)
            .ConfigureAwait(false);

        var mapped = users.Where(u => !string.IsNullOrEmpty(u.UfPhoneInner)).Select(u => u.UfPhoneInner!)
            .Concat(staticUsers).ToHashSet(StringComparer.Ordinal);
        foreach (string extension in extensions.Where(e => !mapped.Contains(e)))
        {
            report.Warn($"extension {extension} has no Bitrix24 user: its calls get no card",
                $"set 'Internal phone' (UF_PHONE_INNER) = {extension} on the employee in Bitrix24, or add \"{extension}\": <user id> to FsBitrix:Users");
        }
    }

    private async Task ProbeAsync(Bitrix24Client client, string method, BitrixParams parameters, string scope, CancellationToken cancellationToken)
    {
        try
        {
            await client.CallAsync(method, parameters, RetryRule.Idempotent, _ => true, cancellationToken).ConfigureAwait(false);
            report.Ok($"{method}: allowed");
        }
        catch (Bitrix24Exception ex) when (ex.Error == "ERROR_METHOD_NOT_FOUND")
        {
            report.Warn($"{method}: not available on this portal", "nothing to do unless click-to-call lines are needed");
        }
        catch (Bitrix24Exception ex)
        {
            report.Fail($"{method} failed: {ex.Message}", Fix(ex, scope));
        }
    }

    private static string Fix(Bitrix24Exception ex, string scope) => ex.Error switch
    {
        _ when ex.IsWrongAuthType => "this portal does not accept telephony calls through an incoming webhook any more. Switch to app mode: "
            + "create a local application in Bitrix24, set FsBitrix:Bitrix:Auth=app with its ClientId and ClientSecret, and install it "
            + "(README: Connect Bitrix24 as a local application)",
        "insufficient_scope" => $"edit the incoming webhook in Bitrix24 and tick the scopes: {scope}",
        "NO_AUTH_FOUND" or "INVALID_CREDENTIALS" or "authorization_error" =>
            "the webhook code is wrong, expired or deleted: create a new incoming webhook and set FsBitrix:Bitrix:WebhookUrl",
        "QUERY_LIMIT_EXCEEDED" => "the portal is rate limiting this host: run check again in a minute",
        _ when ex.Kind == Bitrix24ErrorKind.Transient => "the portal is not reachable from this server: check DNS, firewall and HTTPS",
        _ => "see the message above; the Troubleshooting section of the README lists the known cases",
    };
}
