using FsBitrix.Cdr;
using FsBitrix.Check;
using FsBitrix.Configuration;
using FsBitrix.Demo;
using FsBitrix.Hosting;

namespace FsBitrix;

/// <summary>
/// <c>fsbitrix</c> (or <c>fsbitrix run</c>): the service. <c>fsbitrix demo</c>: the service with an embedded
/// FreeSWITCH simulator and Bitrix24 sandbox portal. <c>fsbitrix check</c>: validate an installation. <c>fsbitrix backfill</c>: send an old period's calls from the CDRs.
/// </summary>
internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        string verb = args.Length > 0 && !args[0].StartsWith('-') ? args[0] : "run";
        string[] rest = verb == "run" && (args.Length == 0 || args[0].StartsWith('-')) ? args : args[1..];
        try
        {
            switch (verb)
            {
                case "run":
                    await using (var app = FsBitrixApp.Create(rest))
                    {
                        await app.RunAsync().ConfigureAwait(false);
                    }

                    return 0;
                case "demo":
                    return await DemoCommand.RunAsync(rest).ConfigureAwait(false);
                case "check":
                    return await CheckCommand.RunAsync(rest).ConfigureAwait(false);
                case "backfill":
                    return BackfillCommand.Run(rest, TimeProvider.System, Console.Out);
                default:
                    await Console.Error.WriteLineAsync($"unknown command '{verb}'; use: run | demo | check | backfill").ConfigureAwait(false);
                    return 2;
            }
        }
        catch (ConfigurationProblemException ex)
        {
            await Console.Error.WriteLineAsync(ex.Message).ConfigureAwait(false);
            return 78; // EX_CONFIG: systemd and admins can tell a configuration error from a crash.
        }
    }
}
