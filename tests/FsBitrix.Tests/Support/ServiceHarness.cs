using FsBitrix.Calls;
using FsBitrix.Configuration;
using FsBitrix.Esl.Inbound;
using FsBitrix.Hosting;
using FsBitrix.Outbox;
using FsBitrix.Sandbox;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace FsBitrix.Tests.Support;

/// <summary>
/// The real service in this process, wired to a fake FreeSWITCH replaying captures and to the Bitrix24 sandbox
/// portal, all on 127.0.0.1 ephemeral ports; the database and recordings live in a temporary folder.
/// </summary>
internal sealed class ServiceHarness : IAsyncDisposable
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private ServiceHarness(SandboxPortal portal, CaptureFreeSwitch freeSwitch, string folder)
    {
        Portal = portal;
        FreeSwitch = freeSwitch;
        Folder = folder;
    }

    public SandboxPortal Portal { get; }

    public CaptureFreeSwitch FreeSwitch { get; }

    public string Folder { get; }

    public string DatabasePath => Path.Combine(Folder, "fsbitrix.db");

    public WebApplication? Service { get; private set; }

    /// <param name="portalOptions">Changes to the sandbox portal's options before it starts (its clock, token lifetime).</param>
    /// <param name="logFile">Also write the service's log there (Serilog's file sink, Information and above).</param>
    /// <param name="services">Services of the test's own, at every start: a feature's clock (<see cref="FeatureClocks"/>).</param>
    public static async Task<ServiceHarness> StartAsync(Action<FsBitrixOptions>? configure = null, bool startService = true,
        Action<SandboxOptions>? portalOptions = null, bool appMode = false, string? logFile = null, Action<IServiceCollection>? services = null)
    {
        string folder = Path.Combine(Path.GetTempPath(), "fsbitrix-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(folder, "rec"));
        var sandboxOptions = new SandboxOptions { RateLimit = SandboxRateLimit.None };
        portalOptions?.Invoke(sandboxOptions);
        SandboxPortal portal = await SandboxPortal.StartAsync(sandboxOptions);
        var harness = new ServiceHarness(portal, new CaptureFreeSwitch(Path.Combine(folder, "rec")), folder);
        harness._configure = configure;
        harness._services = services;
        harness._appMode = appMode;
        harness._logFile = logFile;
        if (startService)
        {
            await harness.StartServiceAsync();
        }

        return harness;
    }

    private Action<FsBitrixOptions>? _configure;
    private Action<IServiceCollection>? _services;
    private bool _appMode;
    private string? _logFile;

    /// <param name="also">Settings changed for this start only, after the harness's own (e.g. for a restart).</param>
    /// <param name="waitConnected">Return once the service is logged in to FreeSWITCH and subscribed (false: at once).</param>
    public async Task StartServiceAsync(Action<FsBitrixOptions>? also = null, bool waitConnected = true)
    {
        string[] args = _logFile is null ? [] :
        [
            "--Serilog:Using:0=Serilog.Sinks.File", "--Serilog:WriteTo:0:Name=File", $"--Serilog:WriteTo:0:Args:path={_logFile}",
            "--Serilog:MinimumLevel:Default=Information",
        ];
        Service = await FsBitrixApp.CreateAsync(args, o =>
        {
            o.Esl.Port = FreeSwitch.Port;
            o.Bitrix.WebhookUrl = Portal.WebhookUrl.ToString();
            o.Bitrix.RateLimitPerSecond = 0;
            o.Http.Urls = "http://127.0.0.1:0";
            o.Storage.Path = DatabasePath;
            o.Recordings.MaxWait = TimeSpan.FromSeconds(5);
            o.Bitrix.ApplicationToken = Portal.Options.ApplicationToken;
            if (_appMode)
            {
                UseAppMode(o);
            }

            _configure?.Invoke(o);
            also?.Invoke(o);
        }, _services);
        await Service.StartAsync();
        if (waitConnected)
        {
            await Service.Services.GetRequiredService<EslInboundClient>().WaitConnectedAsync().WaitAsync(Patience);
            await FreeSwitch.Subscribed.WaitAsync(Patience);
        }
    }

    /// <summary>The running service's own HTTP address (its Kestrel on an ephemeral loopback port).</summary>
    public Uri ServiceUrl =>
        new(Service!.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/') + "/");

    /// <summary>Where the running service takes Bitrix24 events (<c>Bitrix:EventsPath</c> on its Kestrel).</summary>
    public Uri EventsUrl
    {
        get
        {
            string address = Service!.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            BitrixSettings bitrix = Service.Services.GetRequiredService<BitrixSettings>();
            return new Uri(new Uri(address.TrimEnd('/') + "/"), bitrix.EventsPath.TrimStart('/'));
        }
    }

    /// <summary>Where the running service takes the portal's install call (<c>Bitrix:InstallPath</c>).</summary>
    public Uri InstallUrl => new(EventsUrl, Service!.Services.GetRequiredService<BitrixSettings>().InstallPath);

    /// <summary>Settings of app mode against this harness's sandbox: its client keys, its token endpoint, its domain.</summary>
    private void UseAppMode(FsBitrixOptions o)
    {
        o.Bitrix.Auth = "app";
        o.Bitrix.ClientId = Portal.App.ClientId;
        o.Bitrix.ClientSecret = Portal.App.ClientSecret;
        o.Bitrix.OAuthUrl = Portal.App.TokenUrl.AbsoluteUri;
        o.Bitrix.Domain = Portal.BaseUrl.Authority;
        o.Bitrix.WebhookUrl = null;
        o.Bitrix.ApplicationToken = null;
    }

    /// <summary>
    /// Waits until the service follows no call and its outbox has nothing left to send: then every finish it will
    /// ever send for what was played has reached the portal, and counting them is exact.
    /// </summary>
    public Task SettledAsync()
    {
        CallTracker tracker = Service!.Services.GetRequiredService<CallTracker>();
        IOutboxStore store = Service.Services.GetRequiredService<IOutboxStore>();
        // The flush first: a call can be over in the tracker while its last steps still queue for the outbox.
        return WaitUntilAsync(async () =>
        {
            await tracker.FlushAsync();
            return tracker.ActiveCalls == 0 && await store.PendingCountAsync() == 0;
        });
    }

    /// <summary>Waits until the condition holds, checking it again after every call step and every delivery.</summary>
    public async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        CallTracker tracker = Service!.Services.GetRequiredService<CallTracker>();
        // Every company's dispatcher (one with a single portal).
        OutboxDispatcher[] dispatchers = [.. Service.Services.GetRequiredService<FsBitrix.Tenants.TenantPortals>().All.Select(p => p.Dispatcher)];
        using var changed = new SemaphoreSlim(0);
        void Delivered(OutboxEntry entry, DeliveryResult result) => changed.Release();
        using IDisposable steps = tracker.Steps.Subscribe(_ => changed.Release());
        foreach (OutboxDispatcher dispatcher in dispatchers)
        {
            dispatcher.CommandDelivered += Delivered;
        }

        try
        {
            using var patience = new CancellationTokenSource(Patience);
            while (!await condition())
            {
                await changed.WaitAsync(patience.Token);
            }
        }
        finally
        {
            foreach (OutboxDispatcher dispatcher in dispatchers)
            {
                dispatcher.CommandDelivered -= Delivered;
            }
        }
    }

    public async Task StopServiceAsync()
    {
        if (Service is { } service)
        {
            // Forgotten first: a failure to stop or dispose is the test's failure, not hidden by a second stop of a disposed host.
            Service = null;
            try
            {
                await service.StopAsync();
            }
            finally
            {
                await service.DisposeAsync();
            }
        }
    }

    /// <summary>
    /// A call up to its bridge as a real one goes: the card is awaited while the phone rings (replayed in one go, the
    /// answer could come before the card left, and a late card is not sent), then the rest is sent and taken in.
    /// </summary>
    public async Task RingThenTalkAsync(Replay call)
    {
        int answered = call.IndexOf("CHANNEL_ANSWER");
        int talking = call.IndexOf("CHANNEL_BRIDGE") + 1;
        EslInboundClient esl = Service!.Services.GetRequiredService<EslInboundClient>();

        // Counted by a subscriber after the tracker's: when it has seen them all, the tracker has taken them in. (Waiting
        // on steps and deliveries instead could miss the last events, which may change nothing and deliver nothing.)
        int taken = 0;
        var allTaken = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using IDisposable counting = esl.SelectEvents(e => e).Subscribe(_ =>
        {
            if (Interlocked.Increment(ref taken) == talking)
            {
                allTaken.TrySetResult();
            }
        });
        await FreeSwitch.SendAsync(call.Before(answered));
        await Portal.WaitForAsync(s => s.LiveCalls.Count == 1 && s.CardViewers(s.LiveCalls[0].CallId).Count == 1, Patience);
        await FreeSwitch.SendAsync(call.Frames.Skip(answered).Take(talking - answered));
        await allTaken.Task.WaitAsync(Patience);
    }

    /// <summary>Replays a capture's events with fresh UUIDs, writing a small WAV where it recorded one (or a voicemail message).</summary>
    public async Task PlayAsync(string capture) => await FreeSwitch.SendAsync((await PrepareAsync(capture)).Frames);

    /// <summary>A capture's events with fresh UUIDs (and WAV files for its recordings), not sent yet.</summary>
    public async Task<Replay> PrepareAsync(string capture)
    {
        (List<byte[]> frames, Dictionary<string, string> uuids) =
            CaptureFreeSwitch.Prepare(Fixtures.Bytes("scenarios/" + capture), FreeSwitch.RecordingsFolder);
        foreach ((string _, string fresh) in uuids)
        {
            await File.WriteAllBytesAsync(Path.Combine(FreeSwitch.RecordingsFolder, fresh + ".wav"), Wav.Silence(TimeSpan.FromMilliseconds(200)));
            await File.WriteAllBytesAsync(Path.Combine(FreeSwitch.RecordingsFolder, "msg_" + fresh + ".wav"), Wav.Silence(TimeSpan.FromMilliseconds(200)));
        }

        return new Replay(frames, uuids);
    }

    public async ValueTask DisposeAsync()
    {
        await StopServiceAsync();
        await FreeSwitch.DisposeAsync();
        await Portal.DisposeAsync();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still open on a slow shutdown; the temp folder is cleaned by the OS.
        }
    }
}
