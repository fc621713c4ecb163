using System.Globalization;
using FsBitrix.Configuration;
using Microsoft.Extensions.Configuration;

namespace FsBitrix.Cdr;

/// <summary>
/// <c>fsbitrix backfill --since 2026-12-01 [--until 2026-12-02] [--new-portal]</c>: sends the calls of a period older
/// than <c>Cdr:Horizon</c> to Bitrix24 from FreeSWITCH's CDRs, through the running service (it paces them within
/// the portal's limits, behind live calls). Times without an offset are this server's local time.
/// </summary>
internal static class BackfillCommand
{
    public const string Usage = "usage: fsbitrix backfill --since <time> [--until <time>] [--new-portal] (times as 2026-12-01 or 2026-12-01T08:00+03:00)";

    public static int Run(string[] args, TimeProvider time, TextWriter output)
    {
        var settings = new List<string>();
        DateTimeOffset? since = null;
        DateTimeOffset until = time.GetUtcNow();
        bool newPortal = false;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--since" when i + 1 < args.Length && Parse(args[i + 1]) is { } from:
                    since = from;
                    i++;
                    break;
                case "--until" when i + 1 < args.Length && Parse(args[i + 1]) is { } to:
                    until = to;
                    i++;
                    break;
                case "--new-portal":
                    newPortal = true;
                    break;
                case "--since" or "--until":
                    output.WriteLine($"{args[i]} needs a time such as 2026-12-01 or 2026-12-01T08:00+03:00");
                    output.WriteLine(Usage);
                    return 2;
                default:
                    settings.Add(args[i]); // a setting for this run, as the service takes them: --FsBitrix:Cdr:Folder=…
                    break;
            }
        }

        if (since is null || since >= until)
        {
            output.WriteLine(since is null ? "--since is required" : "--since must be before --until");
            output.WriteLine(Usage);
            return 2;
        }

        var options = new FsBitrixOptions();
        ServiceConfiguration.Build([.. settings]).GetSection(FsBitrixOptions.Section).Bind(options);
        if (options.Cdr.Folder is null && options.Cdr.ErrFolder is null)
        {
            output.WriteLine("FsBitrix:Cdr:Folder (mod_xml_cdr's log-dir) is not set: there are no CDRs to read. See dialplan/autoload_configs/xml_cdr.conf.xml.");
            return 78;
        }

        if (!options.Storage.IsPostgres && !File.Exists(options.Storage.Path))
        {
            output.WriteLine($"No FsBitrix database at {options.Storage.Path} (FsBitrix:Storage:Path): start the service once, then backfill.");
            return 78;
        }

        // Beyond Storage:KeepDeliveredFor the service no longer remembers which calls it sent: only a portal that never
        // had them may get them.
        DateTimeOffset remembered = time.GetUtcNow() - options.Storage.KeepDeliveredFor;
        if (since < remembered && !newPortal)
        {
            output.WriteLine($"FsBitrix remembers the calls it sent since {remembered:yyyy-MM-dd HH:mm}Z (FsBitrix:Storage:KeepDeliveredFor); "
                + "calls before that may already be in Bitrix24 and would be sent twice. Start later, or add --new-portal if this portal never had them.");
            return 2;
        }

        // A command line's one blocking wait: the database opened (PostgreSQL: migrated) before the legs are queued.
        using Npgsql.NpgsqlDataSource? postgres = options.Storage.IsPostgres
            ? Storage.PostgresDatabase.OpenAsync(options.Storage.ConnectionString!).GetAwaiter().GetResult()
            : null;
        using ICdrInbox inbox = postgres is null ? CdrInbox.Open(options.Storage.Path) : new PostgresCdrInbox(postgres);
        CdrBackfill.Result result = CdrBackfill.Queue(options.Cdr, inbox, since.Value, until, time.GetUtcNow());
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{result.Calls} call(s) began between {since:u} and {until:u}: {result.Legs} leg(s) handed to the service, {result.AlreadyReceived} received before."));
        if (result.Unreadable > 0)
        {
            output.WriteLine($"{result.Unreadable} file(s) were not CDRs FsBitrix can read and were left alone.");
        }

        output.WriteLine("The running service sends them oldest first, behind live calls; calls it saw live or sent before are skipped. Follow /healthz (outbox.pending).");
        return 0;
    }

    private static DateTimeOffset? Parse(string text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeLocal, out DateTimeOffset parsed) ? parsed : null;
}
