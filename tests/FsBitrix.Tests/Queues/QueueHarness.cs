using FsBitrix.Hosting;
using System.Net;
using FsBitrix.Bitrix24.Users;
using FsBitrix.Configuration;
using FsBitrix.Core.Queues;
using FsBitrix.Queues;
using FsBitrix.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace FsBitrix.Tests.Queues;

/// <summary>
/// The real service with one queue "sales" (the name the captured dialplan set), its socket listener on an
/// ephemeral port, and a fake clock for the queue's timers only (sockets and the outbox keep real time).
/// </summary>
internal sealed class QueueHarness : IAsyncDisposable
{
    private QueueHarness(ServiceHarness service, FakeTimeProvider clock)
    {
        Service = service;
        Clock = clock;
    }

    public ServiceHarness Service { get; }

    public FakeTimeProvider Clock { get; }

    public Sandbox.SandboxPortal Portal => Service.Portal;

    public QueueBoard Board => Services.GetRequiredService<QueueBoard>();

    private IServiceProvider Services => Service.Service!.Services;

    public static async Task<QueueHarness> StartAsync(QueueSettings sales, Action<FsBitrixOptions>? configure = null, string? logFile = null)
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        ServiceHarness service = await ServiceHarness.StartAsync(o =>
        {
            o.Esl.OutboundListen = "127.0.0.1:0";
            o.Queues["sales"] = sales;
            configure?.Invoke(o);
        }, logFile: logFile, services: s => s.AddKeyedSingleton<TimeProvider>(FeatureClocks.Queues, clock));
        var harness = new QueueHarness(service, clock);

        // The responsible rep and user: agents are found through the directory's first snapshot.
        // Read the user list now rather than wait for the service's first refresh to happen.
        Assert.That(await harness.Services.GetRequiredService<Bitrix24UserDirectory>().RefreshAsync(), Is.True, "user.get answered");
        return harness;
    }

    /// <summary>A caller handed to the service by the socket application.</summary>
    public Task<FakeSocketCall> CallAsync(string? callerUuid = null) =>
        FakeSocketCall.ConnectAsync(Services.GetRequiredService<FsBitrix.SocketApp.SocketAppService>().Endpoint ?? throw new InvalidOperationException("not listening"), callerUuid);

    public Task PlayAsync(IEnumerable<byte[]> frames) => Service.FreeSwitch.SendAsync(frames);

    /// <summary>The telephony.* methods Bitrix24 received, in order.</summary>
    public List<string> TelephonyRequests() => [.. Portal.State.Requests
        .Select(r => r.Method.ToLowerInvariant())
        .Where(m => m.StartsWith("telephony.", StringComparison.Ordinal))];

    /// <summary>
    /// Every Bitrix24 request but the user list, in order, as one word each: <c>register</c>, <c>show</c>…, and a
    /// batch as its commands (<c>batch(register+searchcrmentities)</c>): what a queue call costs.
    /// </summary>
    public List<string> Requests() => [.. Portal.State.Requests
        .Where(r => !r.InBatch)
        .Select(r => (Method: r.Method.ToLowerInvariant(), r.Parameters))
        .Where(r => r.Method != "user.get")
        .Select(r => r.Method == "batch" ? $"batch({string.Join('+', BatchMethods(r.Parameters))})" : Short(r.Method))];

    /// <summary>Gives Bitrix24 user <paramref name="userId"/> the extension and reads the user list again.</summary>
    public async Task AddAgentAsync(int userId, string extension)
    {
        Portal.State.AddUser(new Sandbox.State.SandboxUser(userId, "Agent", extension, $"agent{extension}@example.com", true, extension));
        Assert.That(await Services.GetRequiredService<Bitrix24UserDirectory>().RefreshAsync(), Is.True, "user.get answered");
    }

    private static IEnumerable<string> BatchMethods(string parameters) =>
        System.Text.Json.Nodes.JsonNode.Parse(parameters)!["cmd"]!.AsObject()
            .Select(c => Short(c.Value!.GetValue<string>().Split('?')[0].ToLowerInvariant()));

    private static string Short(string method) => method.Replace("telephony.externalcall.", string.Empty, StringComparison.Ordinal);

    /// <summary>Completes as soon as the board's presence satisfies <paramref name="condition"/>; re-checked on every change.</summary>
    public async Task PresenceAsync(Func<AgentPresence, bool> condition, string what)
    {
        var met = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void Check()
        {
            if (condition(Board.Presence))
            {
                met.TrySetResult();
            }
        }

        Board.PresenceChanged += Check;
        try
        {
            Check();
            await met.Task.WaitAsync(ServiceHarness.Patience);
        }
        catch (TimeoutException)
        {
            Assert.Fail("Timed out waiting: " + what);
        }
        finally
        {
            Board.PresenceChanged -= Check;
        }
    }

    public async ValueTask DisposeAsync() => await Service.DisposeAsync();
}
