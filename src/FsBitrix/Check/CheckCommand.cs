using FsBitrix.Configuration;
using Microsoft.Extensions.Configuration;

namespace FsBitrix.Check;

/// <summary>Reads the configuration the service would read and runs <see cref="InstallationCheck"/>.</summary>
internal static class CheckCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        IConfiguration configuration = ServiceConfiguration.Build(args);
        var options = new FsBitrixOptions();
        configuration.GetSection(FsBitrixOptions.Section).Bind(options);
        Console.WriteLine("FsBitrix installation check");
        int result = await new InstallationCheck(options, new CheckReport(Console.Out)).RunAsync(CancellationToken.None).ConfigureAwait(false);
        Console.WriteLine(result == 0 ? "All checks passed." : "Some checks failed: see the fixes above.");
        return result;
    }
}
