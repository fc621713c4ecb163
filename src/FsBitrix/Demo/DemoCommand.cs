using FsBitrix.Esl.Inbound;
using FsBitrix.Hosting;
using FsBitrix.Sandbox;
using FsBitrix.Simulator;
using FsBitrix.Simulator.Demo;
using Microsoft.AspNetCore.Builder;
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

    public static async Task<int> RunAsync(string[] args)
    {
        string folder = Path.Combine(Path.GetTempPath(), "fsbitrix-demo", DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", System.Globalization.CultureInfo.InvariantCulture));
        string recordings = Path.Combine(folder, "recordings");
        Directory.CreateDirectory(recordings);

        await using SandboxPortal portal = await SandboxPortal.StartAsync(new SandboxOptions { Url = PortalUrl }).ConfigureAwait(false);
        await using var simulator = new FreeSwitchSimulator(new SimulatorOptions { Port = SimulatorPort, RecordingsPath = recordings });
        await simulator.StartAsync().ConfigureAwait(false);

        await using WebApplication service = FsBitrixApp.Create(args, o =>
        {
            o.Esl.Host = "127.0.0.1";
            o.Esl.Port = SimulatorPort;
            o.Esl.Password = "ClueCon";
            o.Bitrix.WebhookUrl = portal.WebhookUrl.ToString();
            o.Bitrix.ApplicationToken = portal.Options.ApplicationToken;
            o.Http.Urls = ServiceUrl;
            o.Storage.Path = Path.Combine(folder, "fsbitrix.db");
        });
        portal.Options.EventHandlerUrl = new Uri(ServiceUrl + "/bitrix/events");
        await service.StartAsync().ConfigureAwait(false);

        // Calls start only once the service listens to the simulator, so none is half-seen.
        await service.Services.GetRequiredService<EslInboundClient>().WaitConnectedAsync()
            .WaitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);

        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(
            service.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping);
        Task calls = new DemoDriver(simulator).RunAsync(stopping.Token);
        PrintBanner(portal, folder);

        await service.WaitForShutdownAsync().ConfigureAwait(false);
        await stopping.CancelAsync().ConfigureAwait(false);

        // Calls in progress end as scripted; don't keep a user who pressed Ctrl+C waiting long for them.
        await Task.WhenAny(calls, Task.Delay(TimeSpan.FromSeconds(5))).ConfigureAwait(false);
        Console.WriteLine("FsBitrix demo stopped.");
        return 0;
    }

    private static void PrintBanner(SandboxPortal portal, string folder)
    {
        Console.WriteLine();
        Console.WriteLine("  FsBitrix demo is running: simulated FreeSWITCH calls go through the real service into a Bitrix24 sandbox.");
        Console.WriteLine();
        Console.WriteLine($"    Bitrix24 sandbox portal (open in a browser): {portal.BaseUrl}");
        Console.WriteLine($"    FsBitrix health:                             {ServiceUrl}/healthz");
        Console.WriteLine($"    FreeSWITCH simulator event socket:           127.0.0.1:{SimulatorPort} (password ClueCon)");
        Console.WriteLine($"    Data (database, recordings):                 {folder}");
        Console.WriteLine();
        Console.WriteLine("  Press Ctrl+C to stop.");
        Console.WriteLine();
    }
}
