using FsBitrix.Cli;

namespace FsBitrix;

/// <summary>
/// <c>fsbitrix</c> (or <c>fsbitrix run</c>): the service. <c>fsbitrix demo</c>: the service with an embedded FreeSWITCH
/// simulator and Bitrix24 sandbox portal. <c>fsbitrix check</c>: validate an installation. <c>fsbitrix backfill</c>:
/// send an old period's calls from the CDRs. <c>fsbitrix --help</c> says so too (<see cref="FsBitrixCommandLine"/>).
/// </summary>
internal static class Program
{
    private static Task<int> Main(string[] args) => FsBitrixCommandLine.RunAsync(args, Console.Out, Console.Error);
}
