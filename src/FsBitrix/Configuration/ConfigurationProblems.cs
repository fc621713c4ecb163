namespace FsBitrix.Configuration;

/// <summary>
/// Settings the service cannot run without, each as one sentence an admin can act on: one function per section (what
/// that section's options validation says at start-up, <see cref="OptionsComposition"/>), and all of them for <c>check</c>.
/// </summary>
internal static class ConfigurationProblems
{
    /// <summary>Every section's problems, in the order an admin reads the file (what <c>check</c> lists).</summary>
    public static IReadOnlyList<string> Find(FsBitrixOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        List<string> problems =
        [
            .. Bitrix(options.Bitrix),
            .. Esl(options.Esl),
            .. Storage(options.Storage),
            .. Recordings(options.Recordings),
        ];
        problems.AddRange([.. FsBitrix.Tenants.TenantProblems.Find(options.Bitrix, options.Tenants).Distinct().Except(problems)]);
        problems.AddRange(OwnerLookup(options.OwnerLookup));
        problems.AddRange(Cdr(options.Cdr));
        problems.AddRange(FsBitrix.Queues.QueueConfiguration.Problems(options.Esl, options.Calls, options.Queues, options.Tenants));
        return problems;
    }

    public static IEnumerable<string> Bitrix(BitrixSettings bitrix)
    {
        var problems = new List<string>();
        if (bitrix.Auth is not { } auth || !(auth.Equals(BitrixSettings.WebhookAuth, StringComparison.OrdinalIgnoreCase) || bitrix.IsAppMode))
        {
            problems.Add($"FsBitrix:Bitrix:Auth is '{bitrix.Auth}': use 'webhook' (an incoming webhook) or 'app' (a local application)");
        }
        else if (bitrix.IsAppMode)
        {
            problems.AddRange(AppProblems(bitrix, "FsBitrix:Bitrix", "Domain"));
        }
        else if (string.IsNullOrWhiteSpace(bitrix.WebhookUrl))
        {
            problems.Add("FsBitrix:Bitrix:WebhookUrl is not set: create an incoming webhook in Bitrix24 (scopes telephony, user, crm) "
                + "and put its URL here, e.g. https://yourportal.bitrix24.com/rest/1/abc123/");
        }
        else if (!Uri.TryCreate(bitrix.WebhookUrl, UriKind.Absolute, out Uri? url) || url.Segments.Length < 4
            || !url.AbsolutePath.StartsWith("/rest/", StringComparison.Ordinal))
        {
            problems.Add("FsBitrix:Bitrix:WebhookUrl does not look like https://portal/rest/<user id>/<code>/");
        }

        if (!bitrix.IsAppMode && bitrix.IsOfflineEvents)
        {
            problems.Add("FsBitrix:Bitrix:Events=offline needs FsBitrix:Bitrix:Auth=app: Bitrix24 gives offline events only to applications");
        }

        if (bitrix.DefaultUserId <= 0)
        {
            problems.Add("FsBitrix:Bitrix:DefaultUserId must be a Bitrix24 user id (1 is usually the portal admin)");
        }

        return problems;
    }

    public static IEnumerable<string> Esl(EslSettings esl)
    {
        if (esl.Nodes.Count == 0 && (string.IsNullOrWhiteSpace(esl.Host) || esl.Port is <= 0 or > 65535))
        {
            yield return "FsBitrix:Esl:Host and FsBitrix:Esl:Port must name FreeSWITCH's event socket (event_socket.conf.xml)";
        }

        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (int i = 0; i < esl.Nodes.Count; i++)
        {
            EslNodeSettings node = esl.Nodes[i];
            if (string.IsNullOrWhiteSpace(node.Host) || node.Port is <= 0 or > 65535)
            {
                yield return $"FsBitrix:Esl:Nodes:{i}: Host and Port must name that node's event socket (event_socket.conf.xml)";
            }

            if (string.IsNullOrWhiteSpace(node.Name) || node.Name.AsSpan().IndexOfAny(" \t\r\n'\"") >= 0)
            {
                yield return $"FsBitrix:Esl:Nodes:{i}:Name must name the node in one word (e.g. fs1): logs, /healthz and ClickToCall:Node use it";
            }
            else if (!names.Add(node.Name))
            {
                yield return $"FsBitrix:Esl:Nodes:{i}:Name '{node.Name}' is used twice: each node needs its own name";
            }
        }
    }

    public static IEnumerable<string> Storage(StorageSettings storage)
    {
        if (storage.KeepDeliveredFor <= TimeSpan.Zero)
        {
            yield return $"FsBitrix:Storage:KeepDeliveredFor is {storage.KeepDeliveredFor}: it must be positive (e.g. 7.00:00:00 for a week)";
        }

        if (!storage.IsPostgres && !string.Equals(storage.Provider, "sqlite", StringComparison.OrdinalIgnoreCase))
        {
            yield return $"FsBitrix:Storage:Provider is '{storage.Provider}': it must be sqlite (one box, the default) or postgres (several instances)";
        }
        else if (storage.IsPostgres && string.IsNullOrWhiteSpace(storage.ConnectionString))
        {
            yield return "FsBitrix:Storage:Provider is postgres but FsBitrix:Storage:ConnectionString is not set "
                + "(e.g. Host=db.example.com;Database=fsbitrix;Username=fsbitrix;Password=...)";
        }
        else if (storage.IsPostgres && !ValidNpgsql(storage.ConnectionString!, out string? why))
        {
            yield return $"FsBitrix:Storage:ConnectionString cannot be read: {why}";
        }
    }

    private static bool ValidNpgsql(string connectionString, out string? why)
    {
        try
        {
            _ = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
            why = null;
            return true;
        }
        catch (ArgumentException e)
        {
            // The message names the keyword, never the value (a password may be in it).
            why = e.Message;
            return false;
        }
    }

    public static IEnumerable<string> Recordings(RecordingSettings recordings)
    {
        if (recordings.Format is { Length: > 0 } format && format.ToLowerInvariant() is not ("mp3" or "wav"))
        {
            yield return $"FsBitrix:Recordings:Format is '{format}': use 'mp3' or 'wav' (or leave it unset: MP3 when ffmpeg is installed)";
        }

        if (recordings.ParallelEncodes < 1)
        {
            yield return $"FsBitrix:Recordings:ParallelEncodes is {recordings.ParallelEncodes}: at least 1";
        }

        if (recordings.Mp3KbpsPerChannel is not (8 or 16 or 24 or 32 or 40 or 48 or 56 or 64))
        {
            yield return $"FsBitrix:Recordings:Mp3KbpsPerChannel is {recordings.Mp3KbpsPerChannel}: one of 8, 16, 24, 32, 40, 48, 56, 64 (MP3 at 8 kHz)";
        }

        if (recordings.Mode is not ("upload" or "url"))
        {
            yield return $"FsBitrix:Recordings:Mode is '{recordings.Mode}': use 'upload' or 'url'";
        }
        else if (recordings.Mode == "url" && !Uri.TryCreate(recordings.PublicUrl, UriKind.Absolute, out _))
        {
            yield return "FsBitrix:Recordings:PublicUrl must be this service's address as Bitrix24 reaches it "
                + "(e.g. https://pbx.example.com:8085/) when Recordings:Mode is 'url'";
        }
    }

    public static IEnumerable<string> OwnerLookup(FsBitrix.OwnerLookup.OwnerLookupSettings lookup)
    {
        // The caller waits in silence (or ringback) while the CRM is asked: seconds, not more.
        if (lookup.Patience < TimeSpan.FromSeconds(0.5) || lookup.Patience > TimeSpan.FromSeconds(10))
        {
            yield return $"FsBitrix:OwnerLookup:Patience is {lookup.Patience}: use a wait between 00:00:00.5 and 00:00:10 (default 00:00:01.5)";
        }
    }

    public static IEnumerable<string> Cdr(FsBitrix.Cdr.CdrSettings cdr)
    {
        if (cdr.ScanInterval <= TimeSpan.Zero || cdr.GroupWait < TimeSpan.Zero || cdr.MaxWait <= TimeSpan.Zero || cdr.Horizon <= TimeSpan.Zero)
        {
            yield return "FsBitrix:Cdr:ScanInterval, MaxWait and Horizon must be positive and GroupWait not negative (e.g. 00:00:02, 04:00:00, 1.00:00:00, 00:00:05)";
        }

        if (cdr.GapWait <= TimeSpan.Zero || cdr.GapWait > TimeSpan.FromHours(1))
        {
            yield return $"FsBitrix:Cdr:GapWait is {cdr.GapWait}: use a wait above zero and at most an hour (default 00:01:00)";
        }

        if (cdr.ImportWhilePendingBelow < 1)
        {
            yield return $"FsBitrix:Cdr:ImportWhilePendingBelow is {cdr.ImportWhilePendingBelow}: it must be at least 1 (e.g. 10)";
        }
    }

    /// <summary>What a portal connected as a local application needs (the default one, or a company's).</summary>
    /// <param name="at">Its section, e.g. <c>FsBitrix:Bitrix</c> or <c>FsBitrix:Tenants:0</c>.</param>
    /// <param name="domainKey">The key of the portal's address in that section (a company's <c>Domain</c> is its FreeSWITCH domain).</param>
    internal static IEnumerable<string> AppProblems(BitrixSettings bitrix, string at, string domainKey)
    {
        if (string.IsNullOrWhiteSpace(bitrix.Domain))
        {
            // The install call is not signed: only a REST call to the portal we expect proves its tokens are real.
            yield return $"{at}:{domainKey} must be set in app mode: the portal's address, e.g. yourportal.bitrix24.com";
        }

        if (!string.IsNullOrWhiteSpace(bitrix.OAuthUrl) && !Uri.TryCreate(bitrix.OAuthUrl, UriKind.Absolute, out _))
        {
            yield return $"{at}:OAuthUrl must be an absolute URL such as https://oauth.bitrix.info/oauth/token/";
        }

        if (!bitrix.IsOfflineEvents && !string.Equals(bitrix.Events, BitrixSettings.OnlineEvents, StringComparison.OrdinalIgnoreCase))
        {
            yield return $"{at}:Events is '{bitrix.Events}': use 'online' or 'offline'";
        }

        if (bitrix.Lines.Any(l => string.IsNullOrWhiteSpace(l.Number)))
        {
            yield return $"every {at}:Lines entry needs a Number";
        }

        // The service's own endpoint and intervals are FsBitrix:Bitrix's, whichever portal uses them.
        if (!string.IsNullOrWhiteSpace(bitrix.PublicUrl) && !Uri.TryCreate(bitrix.PublicUrl, UriKind.Absolute, out _))
        {
            yield return "FsBitrix:Bitrix:PublicUrl must be this service's address as Bitrix24 reaches it, e.g. https://pbx.example.com:8085/";
        }

        if (bitrix.BindingsCheckInterval <= TimeSpan.Zero)
        {
            yield return "FsBitrix:Bitrix:BindingsCheckInterval must be positive, e.g. 00:10:00";
        }

        if (bitrix.OfflinePollInterval <= TimeSpan.Zero)
        {
            yield return "FsBitrix:Bitrix:OfflinePollInterval must be positive, e.g. 00:00:03";
        }
    }
}
