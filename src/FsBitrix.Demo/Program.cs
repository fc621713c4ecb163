using System.CommandLine;
using FsBitrix.Cli;

namespace FsBitrix.Demo;

/// <summary>
/// <c>dotnet run --project src/FsBitrix.Demo</c>: the demo (<see cref="DemoCommand"/>). Settings as the service takes
/// them (<c>--FsBitrix:Demo:PortalUrl=…</c>, <c>FsBitrix__Http__Urls</c>); <c>--help</c> says so; any other word is an error.
/// </summary>
internal static class Program
{
    private static Task<int> Main(string[] args) => RunAsync(args, Console.Out, Console.Error);

    internal static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        string[] settings = [.. args.Where(FsBitrixCommandLine.IsSetting)];
        var root = new RootCommand(
            "The FsBitrix demo: the real service with a FreeSWITCH simulator playing calls and a Bitrix24 sandbox portal, all on 127.0.0.1, "
            + "nothing to configure. Ports move with FsBitrix:Http:Urls and FsBitrix:Demo:PortalUrl, SecondPortalUrl, SimulatorPort "
            + "(environment FsBitrix__Demo__PortalUrl=…, or --FsBitrix:Demo:PortalUrl=… here).");
        root.SetAction((_, _) => FsBitrixCommandLine.GuardAsync(() => DemoCommand.RunAsync(settings), error));
        ParseResult parsed = root.Parse([.. args.Where(a => !FsBitrixCommandLine.IsSetting(a))]);
        return await parsed.InvokeAsync(new InvocationConfiguration { Output = output, Error = error }).ConfigureAwait(false);
    }
}
