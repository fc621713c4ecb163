using FsBitrix.Simulator.Demo;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace FsBitrix.Demo;

/// <summary>
/// <c>fsbitrix demo</c>: the real service on its embedded default — a FreeSWITCH simulator playing realistic calls
/// and the Bitrix24 sandbox portal — all on 127.0.0.1, with nothing to configure. Runs until Ctrl+C.
/// </summary>
internal static class DemoCommand
{
    public const int SimulatorPort = 18021;
    public const string ServiceUrl = "http://127.0.0.1:8085";
    public const string PortalUrl = "http://127.0.0.1:8086";
    public const string SecondPortalUrl = "http://127.0.0.1:8087";

    public static async Task<int> RunAsync(string[] args)
    {
        await using DemoEnvironment demo = await DemoEnvironment.StartAsync(args, PortalUrl, SimulatorPort, ServiceUrl,
            secondPortalUrl: SecondPortalUrl).ConfigureAwait(false);
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

    private static void PrintBanner(DemoEnvironment demo)
    {
        Console.WriteLine();
        Console.WriteLine("  FsBitrix demo is running: simulated FreeSWITCH calls go through the real service into a Bitrix24 sandbox.");
        Console.WriteLine();
        Console.WriteLine($"    Bitrix24 sandbox portal (open in a browser): {demo.Portal.BaseUrl}");
        Console.WriteLine($"    Second company's portal ({DemoEnvironment.SecondDomain}):      {demo.SecondPortal.BaseUrl}");
        Console.WriteLine($"    Both companies side by side:                 {new Uri(demo.Portal.BaseUrl, "companies")}");
        Console.WriteLine($"    FsBitrix health:                             {ServiceUrl}/healthz");
        Console.WriteLine($"    FreeSWITCH simulator event socket:           127.0.0.1:{SimulatorPort} (password ClueCon)");
        Console.WriteLine($"    Data (database, recordings):                 {demo.Folder}");
        Console.WriteLine();
        Console.WriteLine("  Press Ctrl+C to stop.");
        Console.WriteLine();
    }
}
