using System.CommandLine;
using FsBitrix.Cdr;
using FsBitrix.Check;
using FsBitrix.Configuration;
using FsBitrix.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace FsBitrix.Cli;

/// <summary>
/// The verbs — <c>run</c> (the default), <c>check</c>, <c>backfill</c> — with <c>--help</c>, parsed by
/// System.CommandLine. Settings for this run ride along as configuration keys, <c>--FsBitrix:Esl:Host=10.0.0.5</c>
/// (the same keys as appsettings.json and <c>FsBitrix__…</c> environment variables); any other unknown word is an error.
/// </summary>
internal static class FsBitrixCommandLine
{
    /// <summary>A setting whose configuration cannot work (EX_CONFIG): systemd and admins tell it from a crash.</summary>
    public const int ConfigurationError = 78;

    /// <summary>A port it must listen on is taken (EX_UNAVAILABLE).</summary>
    public const int PortTaken = 69;

    /// <summary>The database was written by a newer FsBitrix (EX_DATAERR): nothing is opened or changed.</summary>
    public const int DatabaseTooNew = 65;

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        string[] settings = [.. args.Where(IsSetting)];
        string[] words = [.. args.Where(a => !IsSetting(a))];
        ParseResult parsed = Build(settings, output, error).Parse(words);
        return await parsed.InvokeAsync(new InvocationConfiguration { Output = output, Error = error }).ConfigureAwait(false);
    }

    /// <summary><c>--Section:Key=value</c>: a configuration key (it has a colon) with its value.</summary>
    internal static bool IsSetting(string arg) =>
        arg.StartsWith("--", StringComparison.Ordinal) && arg.IndexOf('=', StringComparison.Ordinal) is > 2 and var equals
        && arg.AsSpan(2, equals - 2).Contains(':');

    private static RootCommand Build(string[] settings, TextWriter output, TextWriter error)
    {
        var root = new RootCommand(
            "FsBitrix: follows FreeSWITCH over its event socket and keeps Bitrix24's telephony in step (cards, calls, recordings, click-to-call).\n"
            + "Settings come from appsettings.json, /etc/fsbitrix/appsettings.json, FsBitrix__… environment variables, or arguments such as --FsBitrix:Esl:Host=10.0.0.5.");

        var run = new Command("run", "Run the service (what plain `fsbitrix` does).");
        run.SetAction((_, ct) => GuardAsync(() => RunServiceAsync(settings), error));
        root.Subcommands.Add(run);
        root.SetAction((_, ct) => GuardAsync(() => RunServiceAsync(settings), error));

        var check = new Command("check", "Check the installation: configuration, FreeSWITCH's event socket, Bitrix24 access and scopes, extensions without an employee, the MP3 encoder.");
        check.SetAction((_, ct) => GuardAsync(() => CheckCommand.RunAsync(settings), error));
        root.Subcommands.Add(check);

        var since = new Option<string>("--since") { Description = "Start of the period, e.g. 2026-12-01 or 2026-12-01T08:00+03:00 (local time without an offset).", Required = true };
        var until = new Option<string>("--until") { Description = "End of the period (default: now)." };
        var newPortal = new Option<bool>("--new-portal") { Description = "The portal never had these calls: send them even beyond what FsBitrix remembers sending." };
        var backfill = new Command("backfill", "Send an old period's calls to Bitrix24 from FreeSWITCH's CDRs, through the running service.") { since, until, newPortal };
        backfill.SetAction((result, ct) => GuardAsync(() =>
        {
            List<string> arguments = ["--since", result.GetValue(since)!];
            if (result.GetValue(until) is { } to)
            {
                arguments.AddRange(["--until", to]);
            }

            if (result.GetValue(newPortal))
            {
                arguments.Add("--new-portal");
            }

            return Task.FromResult(BackfillCommand.Run([.. arguments, .. settings], TimeProvider.System, output));
        }, error));
        root.Subcommands.Add(backfill);

        var path = new Option<string>("--path") { Description = "The SQLite database to copy (default: FsBitrix:Storage:Path)." };
        var import = new Command("import-sqlite",
            "Moving to several instances: copy the SQLite database (undelivered commands, calls, installations, recording key…) into the PostgreSQL one of FsBitrix:Storage. Stop the service first.") { path };
        import.SetAction((result, ct) => GuardAsync(() => Storage.ImportSqliteCommand.RunAsync(
            [.. result.GetValue(path) is { } file ? new[] { "--path", file } : [], .. settings], output, ct), error));
        root.Subcommands.Add(import);
        return root;
    }

    private static async Task<int> RunServiceAsync(string[] settings)
    {
        while (true)
        {
            // Taken ports are refused inside, before storage is opened.
            await using WebApplication app = await FsBitrixApp.CreateAsync(settings);
            Leadership.InstanceRole leadership = app.Services.GetRequiredService<Leadership.InstanceRole>();
            await app.RunAsync().ConfigureAwait(false);

            // A leader that lost the lock stopped everything it did; it starts again, from scratch, as a standby.
            if (!leadership.Lost)
            {
                return 0;
            }
        }
    }

    /// <summary>What an admin must fix, in their words: a configuration problem or a taken port is a line, not a stack trace.</summary>
    internal static async Task<int> GuardAsync(Func<Task<int>> verb, TextWriter error)
    {
        try
        {
            return await verb().ConfigureAwait(false);
        }
        catch (ConfigurationProblemException ex)
        {
            await error.WriteLineAsync(ex.Message).ConfigureAwait(false);
            return ConfigurationError;
        }
        catch (Storage.DatabaseTooNewException ex)
        {
            await error.WriteLineAsync("fsbitrix: " + ex.Message).ConfigureAwait(false);
            return DatabaseTooNew;
        }
        catch (PortInUseException ex)
        {
            await error.WriteLineAsync("fsbitrix: " + ex.Message).ConfigureAwait(false);
            return PortTaken;
        }
        catch (IOException ex) when (ex.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException)
        {
            // Taken between the look and the bind: the web host's own words, still one line.
            await error.WriteLineAsync($"fsbitrix: {ex.Message} Move it with FsBitrix:Http:Urls.").ConfigureAwait(false);
            return PortTaken;
        }
    }
}
