using FsBitrix.Cli;

namespace FsBitrix;

/// <summary>
/// <c>fsbitrix</c> (or <c>fsbitrix run</c>): the service. <c>fsbitrix check</c>: validate an installation.
/// <c>fsbitrix backfill</c>: send an old period's calls from the CDRs. <c>fsbitrix --help</c> says so too
/// (<see cref="FsBitrixCommandLine"/>). The demo is a program of its own, src/FsBitrix.Demo.
/// </summary>
internal static class Program
{
    private static Task<int> Main(string[] args) => FsBitrixCommandLine.RunAsync(args, Console.Out, Console.Error);
}
