using System.Globalization;
using FsBitrix.Simulator.Flows;
using FsBitrix.Simulator.Switch;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace FsBitrix.Simulator.Server;

/// <summary>
/// The api commands the product uses, answered with FreeSWITCH's exact output (including the missing trailing
/// newline of <c>uuid_exists</c> and <c>uuid_getvar</c>). Call-changing commands fire an API event, as
/// <c>switch_api_execute</c> does, and hand the change to the flow that owns the leg.
/// </summary>
internal sealed partial class ApiCommands(FreeSwitchSimulator simulator, SimulatorOptions options)
{
    private readonly ILogger _logger = options.Logger ?? NullLogger.Instance;

    private SimulatedSwitch Switch => simulator.Switch;

    public string Execute(string line)
    {
        (string command, string args) = SplitWord(line);
        return command switch
        {
            "status" => Status(),
            "version" => "FreeSWITCH Version 1.10.12-release~64bit ( 64bit)\n",
            "hostname" => options.Hostname,
            "show" => Show(args),
            "uuid_exists" => Switch.Find(args.Trim()) is null ? "false" : "true",
            "uuid_getvar" => GetVar(args),
            "uuid_kill" => Kill(args),
            "uuid_transfer" => Transfer(args),
            "originate" => BlockingOriginate(),
            "list_users" when options.DirectoryUsers.Count > 0 => ListUsers(),
            _ => $"-ERR {command} Command not found!\n",
        };
    }

    /// <summary><c>bgapi</c>: the reply went out already; the result comes as BACKGROUND_JOB, for originate when the rep answers.</summary>
    public void Background(string jobUuid, string line)
    {
        (string command, string args) = SplitWord(line);
        if (command == "originate" && Originate.Parse(args) is { } originate)
        {
            simulator.StartOriginate(new OriginateJob(jobUuid, args), originate);
            return;
        }

        string output = command == "originate" ? "-ERR INVALID_URL\n" : Execute(line);
        var headers = new List<(string, string)> { ("Job-UUID", jobUuid), ("Job-Command", command) };
        if (args.Length > 0)
        {
            headers.Add(("Job-Command-Arg", args));
        }

        Switch.FireGlobal("BACKGROUND_JOB", Switch.Clock.Now, headers, output);
    }

    // mod_commands' list_users: a header, a row per user (userid|context|domain|…), a blank line and +OK.
    private string ListUsers()
    {
        var text = new System.Text.StringBuilder("userid|context|domain|group|contact|callgroup|effective_caller_id_name|effective_caller_id_number\n");
        foreach (string user in options.DirectoryUsers)
        {
            string[] parts = user.Split('@', 2);
            string domain = parts.Length > 1 ? parts[1] : "default";
            text.Append(CultureInfo.InvariantCulture, $"{parts[0]}|default|{domain}|default|error/user_not_registered||Extension {parts[0]}|{parts[0]}\n");
        }

        return text.Append("\n+OK\n").ToString();
    }

    private string Show(string args) => args.Trim().ToLowerInvariant() switch
    {
        "channels as json" => ShowChannels.Json(Switch.Legs, options.Hostname),
        "channels" => ShowChannels.Csv(Switch.Legs, options.Hostname),
        "channels count" => ShowChannels.Count(Switch.Legs),
        _ => "-USAGE: show channels [as json]|channels count\n",
    };

    private string GetVar(string args)
    {
        string[] words = args.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries);
        if (words.Length < 2)
        {
            return "-USAGE: <uuid> <var>\n";
        }

        return Switch.Find(words[0]) is not { } leg ? "-ERR No such channel!\n" : leg.Variable(words[1]) ?? "_undef_";
    }

    private string Kill(string args)
    {
        string[] words = args.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words.Length == 0 || Switch.Find(words[0]) is not { Control: { } control })
        {
            return "-ERR No such channel!\n";
        }

        FireApi("uuid_kill", args);
        control.TryWrite(new KillLeg(words[0], words.Length > 1 ? words[1] : "NORMAL_CLEARING"));
        return "+OK\n";
    }

    /// <summary><c>uuid_transfer &lt;uuid&gt; [-bleg|-both] &lt;dest&gt; [&lt;dialplan&gt;] [&lt;context&gt;]</c>.</summary>
    private string Transfer(string args)
    {
        string[] words = args.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        bool bleg = words.Length > 1 && words[1] is "-bleg" or "-both";
        string[] rest = [.. words.Skip(bleg || (words.Length > 1 && words[1].StartsWith('-')) ? 2 : 1)];
        if (rest.Length == 0)
        {
            return "-USAGE: <uuid> [-bleg|-both] <dest-exten> [<dialplan>] [<context>]\n";
        }

        if (Switch.Find(words[0]) is not { Control: { } control })
        {
            return "-ERR No such channel!\n";
        }

        FireApi("uuid_transfer", args);
        control.TryWrite(new TransferLeg(words[0], bleg, rest[0], rest.Length > 2 ? rest[2] : "default"));
        return "+OK\n";
    }

    // api originate would hold this socket (no replies, no events) until the rep answers; the service must use
    // bgapi. The simulator answers the way FreeSWITCH answers an originate that could not be placed.
    private string BlockingOriginate()
    {
        LogBlockingOriginate();
        return "-ERR NORMAL_TEMPORARY_FAILURE\n";
    }

    private string Status()
    {
        TimeSpan up = Switch.Clock.Now - Switch.Identity.StartedAt;
        int live = Switch.Legs.Count;
        CultureInfo c = CultureInfo.InvariantCulture;
        return string.Create(c, $"UP 0 years, {up.Days} days, {up.Hours} hours, {up.Minutes} minutes, {up.Seconds} seconds, {up.Milliseconds} milliseconds, {up.Microseconds} microseconds\n")
            + "FreeSWITCH (Version 1.10.12-release  64bit) is ready\n"
            + string.Create(c, $"{Switch.SessionsSinceStart} session(s) since startup\n")
            + string.Create(c, $"{live} session(s) - peak {live}, last 5min {live} \n")
            + "0 session(s) per Sec out of max 30, peak 4, last 5min 4 \n"
            + "200 session(s) max\n"
            + "min idle cpu 0.00/94.67\n"
            + "Current Stack Size/Max 240K/8192K\n";
    }

    private void FireApi(string command, string args) =>
        Switch.FireGlobal("API", Switch.Clock.Now, [("API-Command", command), ("API-Command-Argument", args)]);

    private static (string Word, string Args) SplitWord(string line)
    {
        string trimmed = line.Trim();
        int space = trimmed.IndexOf(' ', StringComparison.Ordinal);
        return space < 0 ? (trimmed, string.Empty) : (trimmed[..space], trimmed[(space + 1)..].Trim());
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "api originate is not simulated (it would block the socket until answer); use bgapi originate")]
    private partial void LogBlockingOriginate();
}
