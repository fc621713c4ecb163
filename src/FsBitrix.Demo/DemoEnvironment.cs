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
/// The demo's parts, started in order on 127.0.0.1: two Bitrix24 sandbox portals (the switch's default company, and
/// a second company with its own FreeSWITCH domain, b.example), the FreeSWITCH simulator, and the real service wired to
/// them (webhooks, application tokens, click-to-call handler). The demo command uses fixed ports; tests use ephemeral ones.
/// </summary>
internal sealed class DemoEnvironment : IAsyncDisposable
{
    /// <summary>The second company's FreeSWITCH domain.</summary>
    public const string SecondDomain = "b.example";

    private DemoEnvironment(SandboxPortal portal, SandboxPortal secondPortal, FreeSwitchSimulator simulator, WebApplication service, string folder)
    {
        Portal = portal;
        SecondPortal = secondPortal;
        Simulator = simulator;
        Service = service;
        Folder = folder;
    }

    public SandboxPortal Portal { get; }

    /// <summary>The second company's portal: calls to its DIDs (domain <see cref="SecondDomain"/>) land only here.</summary>
    public SandboxPortal SecondPortal { get; }

    public FreeSwitchSimulator Simulator { get; }

    public WebApplication Service { get; }

    /// <summary>Database and recordings of this run.</summary>
    public string Folder { get; }

    public Uri ServiceUrl => new(Service.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

    public static async Task<DemoEnvironment> StartAsync(string[] args, string portalUrl, int simulatorPort, string serviceUrl,
        double simulatorSpeed = 1, string secondPortalUrl = "http://127.0.0.1:0")
    {
        string folder = Path.Combine(Path.GetTempPath(), "fsbitrix-demo",
            DateTime.UtcNow.ToString("yyyyMMdd-HHmmss-fff", System.Globalization.CultureInfo.InvariantCulture));
        string recordings = Path.Combine(folder, "recordings");
        Directory.CreateDirectory(recordings);

        SandboxPortal portal = await SandboxPortal.StartAsync(new SandboxOptions { Url = portalUrl }).ConfigureAwait(false);
        SandboxPortal second = await SandboxPortal.StartAsync(new SandboxOptions
        {
            Url = secondPortalUrl,
            Domain = "second-company.bitrix24.test",
            Seed = FsBitrix.Sandbox.Seed.SandboxSeed.SecondCompany(),
        }).ConfigureAwait(false);
        portal.Options.SideBySide = [portal.BaseUrl, second.BaseUrl];
        var simulator = new FreeSwitchSimulator(new SimulatorOptions { Port = simulatorPort, RecordingsPath = recordings, Speed = simulatorSpeed });
        await simulator.StartAsync().ConfigureAwait(false);
        WebApplication service = await FsBitrixApp.CreateAsync(args, o =>
        {
            o.Esl.Host = "127.0.0.1";
            o.Esl.Port = simulator.Port;
            o.Esl.Password = "ClueCon";
            o.Bitrix.WebhookUrl = portal.WebhookUrl.ToString();
            o.Bitrix.ApplicationToken = portal.Options.ApplicationToken;
            o.Http.Urls = serviceUrl;
            o.Storage.Path = Path.Combine(folder, "fsbitrix.db");
            o.Tenants.Add(new FsBitrix.Tenants.TenantSettings
            {
                Domain = SecondDomain,
                WebhookUrl = second.WebhookUrl.ToString(),
                ApplicationToken = second.Options.ApplicationToken,
            });
        });
        await service.StartAsync().ConfigureAwait(false);
        var environment = new DemoEnvironment(portal, second, simulator, service, folder);
        portal.Options.EventHandlerUrl = new Uri(environment.ServiceUrl, "bitrix/events");
        second.Options.EventHandlerUrl = portal.Options.EventHandlerUrl;

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
        await SecondPortal.DisposeAsync().ConfigureAwait(false);
    }
}
