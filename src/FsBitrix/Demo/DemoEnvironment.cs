using FsBitrix.Esl.Inbound;
using FsBitrix.Hosting;
using FsBitrix.Sandbox;
using FsBitrix.Simulator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace FsBitrix.Demo;

/// <summary>
/// The demo's three parts, started in order on 127.0.0.1: the Bitrix24 sandbox portal, the FreeSWITCH simulator,
/// and the real service wired to both (webhook, application token, click-to-call handler). The demo command uses
/// fixed ports; tests use ephemeral ones.
/// </summary>
internal sealed class DemoEnvironment : IAsyncDisposable
{
    private DemoEnvironment(SandboxPortal portal, FreeSwitchSimulator simulator, WebApplication service, string folder)
    {
        Portal = portal;
        Simulator = simulator;
        Service = service;
        Folder = folder;
    }

    public SandboxPortal Portal { get; }

    public FreeSwitchSimulator Simulator { get; }

    public WebApplication Service { get; }

    /// <summary>Database and recordings of this run.</summary>
    public string Folder { get; }

    public Uri ServiceUrl => new(Service.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

    public static async Task<DemoEnvironment> StartAsync(string[] args, string portalUrl, int simulatorPort, string serviceUrl,
        double simulatorSpeed = 1)
    {
        string folder = Path.Combine(Path.GetTempPath(), "fsbitrix-demo",
            DateTime.UtcNow.ToString("yyyyMMdd-HHmmss-fff", System.Globalization.CultureInfo.InvariantCulture));
        string recordings = Path.Combine(folder, "recordings");
        Directory.CreateDirectory(recordings);

        SandboxPortal portal = await SandboxPortal.StartAsync(new SandboxOptions { Url = portalUrl }).ConfigureAwait(false);
        var simulator = new FreeSwitchSimulator(new SimulatorOptions { Port = simulatorPort, RecordingsPath = recordings, Speed = simulatorSpeed });
        await simulator.StartAsync().ConfigureAwait(false);
        WebApplication service = FsBitrixApp.Create(args, o =>
        {
            o.Esl.Host = "127.0.0.1";
            o.Esl.Port = simulator.Port;
            o.Esl.Password = "ClueCon";
            o.Bitrix.WebhookUrl = portal.WebhookUrl.ToString();
            o.Bitrix.ApplicationToken = portal.Options.ApplicationToken;
            o.Http.Urls = serviceUrl;
            o.Storage.Path = Path.Combine(folder, "fsbitrix.db");
        });
        await service.StartAsync().ConfigureAwait(false);
        var environment = new DemoEnvironment(portal, simulator, service, folder);
        portal.Options.EventHandlerUrl = new Uri(environment.ServiceUrl, "bitrix/events");

        // Calls start only once the service listens to the simulator, so none is half-seen.
        await service.Services.GetRequiredService<EslInboundClient>().WaitConnectedAsync()
            .WaitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        return environment;
    }

    public async ValueTask DisposeAsync()
    {
        await Service.StopAsync().ConfigureAwait(false);
        await Service.DisposeAsync().ConfigureAwait(false);
        await Simulator.DisposeAsync().ConfigureAwait(false);
        await Portal.DisposeAsync().ConfigureAwait(false);
    }
}
