using FsBitrix.Hosting;
using FsBitrix.Bitrix24.Users;
using FsBitrix.Sandbox;
using FsBitrix.Sandbox.State;
using FsBitrix.SocketApp;
using FsBitrix.Tests.Queues;
using FsBitrix.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace FsBitrix.Tests.OwnerLookup;

/// <summary>
/// The owner lookup any dialplan can use: <c>set fsbitrix_lookup=owner</c>, <c>socket … async full</c>, and the call
/// comes back with <c>bitrix_owner_extension</c> set, within the lookup's patience whatever the portal does.
/// The seed's +79161234567 is a contact of user 3, extension 1002.
/// </summary>
[CancelAfter(60_000)]
public class OwnerLookupTests
{
    private static readonly TimeSpan Patience = ServiceHarness.Patience;

    [Test]
    public async Task The_owner_at_work_is_set_on_the_channel_and_the_dialplan_goes_on()
    {
        await using Lookup h = await Lookup.StartAsync();
        await using FakeSocketCall call = await h.CallAsync(registered: true);

        await call.Exited.WaitAsync(Patience);

        Assert.That(call.Received.Select(c => c.Line), Is.EqualTo(new[]
        {
            "connect",
            $"api uuid_setvar {call.CallerUuid} bitrix_owner_extension 1002",
            $"api uuid_setvar {call.CallerUuid} bitrix_owner_user_id 3",
            "resume",
            "exit",
        }));
        Assert.That(h.Service.Portal.State.Requests.Select(r => r.Method), Does.Contain("batch"), "the search rode with the register");
        Assert.That(h.Service.Portal.State.Requests.Where(r => !r.InBatch).Select(r => r.Method.ToLowerInvariant()),
            Does.Not.Contain("telephony.externalcall.searchcrmentities"), "no request of its own");
    }

    [Test]
    public async Task An_owner_who_is_not_at_work_is_not_set()
    {
        await using Lookup h = await Lookup.StartAsync();
        SandboxUser owner = h.Service.Portal.State.Users.Single(u => u.Id == 3);
        h.Service.Portal.State.AddUser(owner with { TimemanStatus = "CLOSED" });
        await using FakeSocketCall call = await h.CallAsync(registered: true);

        await call.Exited.WaitAsync(Patience);

        Assert.That(call.Received.Select(c => c.Line), Is.EqualTo(new[] { "connect", "resume", "exit" }));
    }

    [Test]
    public async Task A_portal_that_does_not_answer_holds_the_caller_no_longer_than_the_patience()
    {
        await using Lookup h = await Lookup.StartAsync();

        // No register ever leaves (its events were not played): the search never answers.
        await using FakeSocketCall call = await h.CallAsync(registered: false);
        await h.Clock.TimerCreated.WaitAsync(Patience);
        h.Clock.Advance(TimeSpan.FromSeconds(1.4));
        Assert.That(call.Exited.IsCompleted, Is.False, "still waiting within the patience");

        h.Clock.Advance(TimeSpan.FromSeconds(0.1));
        await call.Exited.WaitAsync(Patience);

        Assert.That(call.Received.Select(c => c.Line), Is.EqualTo(new[] { "connect", "resume", "exit" }));
    }

    [Test]
    public async Task A_lookup_sent_to_a_service_without_it_goes_back_to_the_dialplan()
    {
        await using ServiceHarness service = await ServiceHarness.StartAsync(o =>
        {
            o.Esl.OutboundListen = "127.0.0.1:0";
            o.Queues["sales"] = new FsBitrix.Queues.QueueSettings { Agents = ["1001"] };
        });
        await using FakeSocketCall call = await FakeSocketCall.ConnectAsync(
            service.Service!.Services.GetRequiredService<SocketAppService>().Endpoint!, channelVariable: ("fsbitrix_lookup", "owner"));

        await call.Exited.WaitAsync(Patience);

        Assert.That(call.Received.Select(c => c.Line), Is.EqualTo(new[] { "connect", "resume", "exit" }), "no queue ringing either");
    }

    [Test]
    public async Task With_several_companies_the_owner_comes_from_the_callers_companys_portal()
    {
        // b.example's portal knows the caller as a contact of Irina (user 2, extension 1001 there); the default portal
        // would say Boris (1002). The DID set domain_name=b.example: the socket's channel data says so.
        await using SandboxPortal b = await SandboxPortal.StartAsync(new SandboxOptions
        {
            RateLimit = SandboxRateLimit.None, Domain = "b.bitrix24.test", Seed = FsBitrix.Sandbox.Seed.SandboxSeed.SecondCompany(),
        });
        b.State.AddCrmEntity(new SandboxCrmEntity("CONTACT", 900, "Ivan Petrov", ["+79161234567"], 2));
        await using ServiceHarness service = await ServiceHarness.StartAsync(o =>
        {
            o.Esl.OutboundListen = "127.0.0.1:0";
            o.OwnerLookup.Enabled = true;
            o.Tenants.Add(new FsBitrix.Tenants.TenantSettings { Domain = "b.example", WebhookUrl = b.WebhookUrl.ToString(), RateLimitPerSecond = 0 });
        });
        string caller = Guid.NewGuid().ToString();
        await service.FreeSwitch.SendAsync(new Inbound("s9_queue_socket.raw", Legs.S9Customer, caller).Before(Legs.S9Agent1001));

        await using FakeSocketCall call = await FakeSocketCall.ConnectAsync(service.Service!.Services.GetRequiredService<SocketAppService>().Endpoint!,
            caller, ("fsbitrix_lookup", "owner\nvariable_domain_name: b.example"));
        await call.Exited.WaitAsync(Patience);

        Assert.That(call.Received.Select(c => c.Line), Is.EqualTo(new[]
        {
            "connect",
            $"api uuid_setvar {caller} bitrix_owner_extension 1001",
            $"api uuid_setvar {caller} bitrix_owner_user_id 2",
            "resume",
            "exit",
        }));
        Assert.That(service.Portal.State.Requests.Where(r => r.Method.StartsWith("telephony", StringComparison.OrdinalIgnoreCase) || r.Method == "batch"),
            Is.Empty, "the default portal is not asked");
    }

    private sealed class Lookup : IAsyncDisposable
    {
        private Lookup(ServiceHarness service, WatchedClock clock)
        {
            Service = service;
            Clock = clock;
        }

        public ServiceHarness Service { get; }

        public WatchedClock Clock { get; }

        public static async Task<Lookup> StartAsync()
        {
            var clock = new WatchedClock();
            ServiceHarness service = await ServiceHarness.StartAsync(o =>
            {
                o.Esl.OutboundListen = "127.0.0.1:0";
                o.OwnerLookup.Enabled = true;
            }, services: s => s.AddKeyedSingleton<TimeProvider>(FeatureClocks.OwnerLookup, clock));
            Assert.That(await service.Service!.Services.GetRequiredService<Bitrix24UserDirectory>().RefreshAsync(), Is.True);
            return new Lookup(service, clock);
        }

        /// <param name="registered">Whether the caller's events reach the inbound socket first (so its register, with the search, goes out).</param>
        public async Task<FakeSocketCall> CallAsync(bool registered)
        {
            string caller = Guid.NewGuid().ToString();
            if (registered)
            {
                var inbound = new Inbound("s9_queue_socket.raw", Legs.S9Customer, caller);
                await Service.FreeSwitch.SendAsync(inbound.Before(Legs.S9Agent1001));
                await Service.Portal.WaitForAsync(s => s.LiveCalls.Count == 1, Patience);
            }

            return await FakeSocketCall.ConnectAsync(Service.Service!.Services.GetRequiredService<SocketAppService>().Endpoint!, caller,
                ("fsbitrix_lookup", "owner"));
        }

        public async ValueTask DisposeAsync() => await Service.DisposeAsync();
    }

    /// <summary>A fake clock that tells when the lookup's wait has parked on it (advancing earlier would move its timer too).</summary>
    private sealed class WatchedClock() : FakeTimeProvider(DateTimeOffset.UtcNow)
    {
        private readonly TaskCompletionSource _created = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task TimerCreated => _created.Task;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            ITimer timer = base.CreateTimer(callback, state, dueTime, period);
            _created.TrySetResult();
            return timer;
        }
    }
}
