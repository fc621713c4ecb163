using FsBitrix.Configuration;
using FsBitrix.Hosting;
using FsBitrix.Simulator.Demo;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace FsBitrix.Demo;

/// <summary>
/// <c>dotnet run --project src/FsBitrix.Demo</c>: the real service on its embedded default — a FreeSWITCH simulator playing realistic calls
/// and the Bitrix24 sandbox portal — all on 127.0.0.1, with nothing to configure. Runs until Ctrl+C.
/// </summary>
internal static class DemoCommand
{
    public const string ServiceUrl = "http://127.0.0.1:8085";

    public static async Task<int> RunAsync(string[] args)
    {
        // Every port from the configuration like any other setting; a taken one ends the demo with one line naming it.
        (string serviceUrl, DemoSettings settings) = Addresses(ServiceConfiguration.Build(args));
        Ports.EnsureFree(serviceUrl, "FsBitrix:Http:Urls");
        Ports.EnsureFree(settings.PortalUrl, "FsBitrix:Demo:PortalUrl");
        Ports.EnsureFree(settings.SecondPortalUrl, "FsBitrix:Demo:SecondPortalUrl");
        Ports.EnsureFree($"127.0.0.1:{settings.SimulatorPort}", "FsBitrix:Demo:SimulatorPort");

        await using DemoEnvironment demo = await DemoEnvironment.StartAsync(args, settings.PortalUrl, settings.SimulatorPort, serviceUrl,
            secondPortalUrl: settings.SecondPortalUrl).ConfigureAwait(false);
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(
            demo.Service.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping);
        Task calls = new DemoDriver(demo.Simulator, new DemoOptions { SecondDomain = DemoEnvironment.SecondDomain }).RunAsync(stopping.Token);
        PrintBanner(demo);

        await demo.Service.WaitForShutdownAsync().ConfigureAwait(false);
        await stopping.CancelAsync().ConfigureAwait(false);

        // Calls in progress end as scripted; don't keep a user who pressed Ctrl+C waiting long for them.
        await Task.WhenAny(calls, Task.Delay(TimeSpan.FromSeconds(5))).ConfigureAwait(false);
        Console.WriteLine("FsBitrix demo stopped.");
        return 0;
    }

    /// <summary>The service's address (<c>FsBitrix:Http:Urls</c>) and the demo's own (<c>FsBitrix:Demo</c>).</summary>
    internal static (string ServiceUrl, DemoSettings Demo) Addresses(IConfiguration configuration)
    {
        var settings = new DemoSettings();
        configuration.GetSection(DemoSettings.Section).Bind(settings);
        return (configuration["FsBitrix:Http:Urls"] is { Length: > 0 } urls ? urls : ServiceUrl, settings);
    }

    private static void PrintBanner(DemoEnvironment demo)
    {
        Console.WriteLine();
        Console.WriteLine("  FsBitrix demo is running: simulated FreeSWITCH calls go through the real service into a Bitrix24 sandbox.");
        Console.WriteLine();
        Console.WriteLine($"    Bitrix24 sandbox portal (open in a browser): {demo.Portal.BaseUrl}");
        Console.WriteLine($"    Second company's portal ({DemoEnvironment.SecondDomain}):      {demo.SecondPortal.BaseUrl}");
        Console.WriteLine($"    Both companies side by side:                 {new Uri(demo.Portal.BaseUrl, "companies")}");
        Console.WriteLine($"    FsBitrix status page:                        {demo.ServiceUrl}");
        Console.WriteLine($"    FsBitrix health and metrics:                 {new Uri(demo.ServiceUrl, "healthz")}, {new Uri(demo.ServiceUrl, "metrics")}");
        Console.WriteLine($"    FreeSWITCH simulator event socket:           127.0.0.1:{demo.Simulator.Port} (password ClueCon)");
        Console.WriteLine($"    Data (database, recordings):                 {demo.Folder}");
        Console.WriteLine();
        Console.WriteLine("  Press Ctrl+C to stop.");
        Console.WriteLine();
    }
}
