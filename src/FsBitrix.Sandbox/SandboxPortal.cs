using FsBitrix.Sandbox.Events;
using FsBitrix.Sandbox.Faults;
using FsBitrix.Sandbox.OAuth;
using FsBitrix.Sandbox.Rest;
using FsBitrix.Sandbox.Rest.Methods;
using FsBitrix.Sandbox.Seed;
using FsBitrix.Sandbox.State;
using FsBitrix.Sandbox.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace FsBitrix.Sandbox;

/// <summary>
/// A Bitrix24 portal in a box: Kestrel serving the external-telephony REST methods with Bitrix24's own
/// answers, quirks and limits, fault switches, outgoing events, and a view of everything it holds.
/// </summary>
public sealed class SandboxPortal : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly PortalBucket _bucket;
    private readonly HttpClient _outbound;

    private SandboxPortal(WebApplication app, SandboxOptions options, PortalState state, PortalBucket bucket, SandboxFaults faults, SandboxEvents events, SandboxApp localApp, HttpClient outbound)
    {
        App = localApp;
        _app = app;
        _bucket = bucket;
        _outbound = outbound;
        Options = options;
        State = state;
        Faults = faults;
        Events = events;
    }

    public SandboxOptions Options { get; }

    public PortalState State { get; }

    public SandboxFaults Faults { get; }

    public SandboxEvents Events { get; }

    /// <summary>The server-side local application (OAuth) installed on this portal.</summary>
    public SandboxApp App { get; }

    /// <summary>E.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>The incoming-webhook base a client is configured with: <c>{BaseUrl}rest/{user}/{code}/</c>.</summary>
    public Uri WebhookUrl => new(BaseUrl, $"rest/{Options.WebhookUserId}/{Options.WebhookCode}/");

    /// <summary>The request limit; can be changed while running (e.g. to unlimited for a benchmark).</summary>
    public SandboxRateLimit RateLimit
    {
        get => _bucket.Limit;
        set => _bucket.Configure(value);
    }

    public static async Task<SandboxPortal> StartAsync(SandboxOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new SandboxOptions();
        if (!Uri.TryCreate(options.Url, UriKind.Absolute, out Uri? listen) || !listen.IsLoopback)
        {
            throw new ArgumentException($"Sandbox URL must be an absolute loopback URL, got '{options.Url}'.", nameof(options));
        }

        var state = new PortalState(options.Seed ?? SandboxSeed.Default(), options.TimeProvider);
        var bucket = new PortalBucket(options.RateLimit, options.TimeProvider);
        var faults = new SandboxFaults();
        var outbound = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };

        WebApplicationBuilder builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore();
        builder.Services.AddRoutingCore();
        WebApplication app = builder.Build();
        app.Urls.Add(options.Url);

        SandboxPortal? portal = null;
        Uri BaseUrl() => portal!.BaseUrl;
        var register = new RegisterMethod(state, options);
        var tokens = new OAuthTokens(options.TimeProvider, options);
        var identity = new AppIdentity(BaseUrl, options);
        var bindings = new EventBindings();
        var offline = new OfflineQueue();
        var lines = new ExternalLines();
        var attach = new AttachRecordMethod(state, BaseUrl, outbound);
        RestDispatcher? dispatcher = null;
        IRestMethod[] methods =
        [
            register,
            new CardMethod(state, show: true),
            new CardMethod(state, show: false),
            new FinishMethod(state),
            attach,
            new SearchCrmEntitiesMethod(state),
            new UserGetMethod(state),
            new BatchMethod(() => dispatcher!, state, options, faults),
            new EventBindMethod(bindings),
            new EventUnbindMethod(bindings),
            new EventGetMethod(bindings),
            new EventOfflineGetMethod(offline, options),
            new ExternalLineMethod(lines, "add"),
            new ExternalLineMethod(lines, "get"),
            new ExternalLineMethod(lines, "update"),
            new ExternalLineMethod(lines, "delete"),
        ];
        dispatcher = new RestDispatcher(methods, state, options, faults, bucket, tokens, new OperatingMeter(options.Operating, options.TimeProvider));
        var localApp = new SandboxApp(tokens, identity, new AppEventSender(register, tokens, identity, bindings, offline, outbound), bindings, offline, lines);
        var events = new SandboxEvents(register, options, state, outbound);
        app.MapBitrixRest(dispatcher, attach);
        app.MapMethods("/rest/{method}", ["GET", "POST"], dispatcher.HandleAppAsync);
        app.MapOAuthToken(tokens, identity);
        app.MapSandboxState(state);
        app.MapSandboxWeb(state, options, events, app.Lifetime.ApplicationStopping);

        portal = new SandboxPortal(app, options, state, bucket, faults, events, localApp, outbound);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        portal.BaseUrl = new Uri(address.TrimEnd('/') + "/");
        return portal;
    }

    /// <summary>Completes as soon as <paramref name="condition"/> holds; re-checked after every change, never by polling.</summary>
    public async Task WaitForAsync(Func<PortalState, bool> condition, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var met = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void Check(object? sender, SandboxChange change)
        {
            if (condition(State))
            {
                met.TrySetResult();
            }
        }

        State.Changed += Check;
        try
        {
            Check(null, new SandboxChange("wait", null));
            await met.Task.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"Sandbox portal: condition not met within {timeout.TotalSeconds:0.###} s.");
        }
        finally
        {
            State.Changed -= Check;
        }
    }

    /// <summary>Waits until <paramref name="callId"/> has been finished and returns its statistics row.</summary>
    public async Task<SandboxFinishedCall> WaitForFinishAsync(string callId, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        await WaitForAsync(s => s.FindFinished(callId) is not null, timeout, cancellationToken).ConfigureAwait(false);
        return State.FindFinished(callId)!;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        _outbound.Dispose();
    }
}
