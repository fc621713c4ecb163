using System.Net;
using System.Text.Json;
using FsBitrix.Outbox;
using FsBitrix.Sandbox.State;
using FsBitrix.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace FsBitrix.Tests;

/// <summary>Zero lost and zero duplicated finish when Bitrix24, the socket or the service fail.</summary>
[CancelAfter(90_000)]
public class FaultTests
{
    [Test]
    public async Task Commands_queued_during_a_Bitrix24_outage_are_delivered_afterwards_in_order_and_once()
    {
        await using ServiceHarness h = await ServiceHarness.StartAsync(o => o.Bitrix.RateLimitPerSecond = 0);
        h.Portal.Faults.StartOutage(requests: 6);

        await h.PlayAsync("s2_ring_all.raw");
        await h.Portal.WaitForAsync(s => s.FinishedCalls.Count == 1 && s.FinishedCalls[0].Recording is not null, ServiceHarness.Patience);

        SandboxFinishedCall call = h.Portal.State.FinishedCalls.Single();
        Assert.That(call.UserId, Is.EqualTo(3), "1002 answered");
        Assert.That(call.StatusCode, Is.EqualTo("200"));
        Assert.That(h.Portal.State.StatusCount(503), Is.GreaterThanOrEqualTo(6), "the outage really refused requests");
        Assert.That(h.Portal.State.RequestCount("telephony.externalcall.finish"), Is.EqualTo(1));
        List<string> order = h.Portal.State.Requests.Where(r => r.Status == 200).Select(r => r.Method.ToLowerInvariant())
            .Where(m => m.StartsWith("telephony", StringComparison.Ordinal)).ToList();
        Assert.That(order.First(), Is.EqualTo("telephony.externalcall.register"));
        Assert.That(order.IndexOf("telephony.externalcall.finish"), Is.GreaterThan(order.LastIndexOf("telephony.externalcall.show")));
        Assert.That(order.Last(), Is.EqualTo("telephony.externalcall.attachrecord"));
    }

    [Test]
    public async Task A_service_restarted_mid_call_on_the_same_database_finishes_the_call_once()
    {
        await using ServiceHarness h = await ServiceHarness.StartAsync();
        Replay s1 = await h.PrepareAsync("s1_inbound_answered.raw");
        int talking = s1.IndexOf("CHANNEL_BRIDGE") + 1;
        await h.RingThenTalkAsync(s1);

        await h.StopServiceAsync();
        foreach (string uuid in s1.Uuids.Values)
        {
            h.FreeSwitch.LiveChannels[uuid] = true;
        }

        await h.StartServiceAsync();
        await h.FreeSwitch.SendAsync(s1.From(talking));
        await h.Portal.WaitForAsync(s => s.FinishedCalls.Count == 1 && s.FinishedCalls[0].Recording is not null, ServiceHarness.Patience);

        SandboxFinishedCall call = h.Portal.State.FinishedCalls.Single();
        Assert.That(call.StatusCode, Is.EqualTo("200"));
        Assert.That(call.Duration, Is.EqualTo(4));
        Assert.That(h.Portal.State.RequestCount("telephony.externalcall.register"), Is.EqualTo(1));
        Assert.That(h.Portal.State.RequestCount("telephony.externalcall.finish"), Is.EqualTo(1));
    }

    [Test]
    public async Task A_call_that_ends_while_the_socket_is_down_is_finished_after_the_resync()
    {
        await using ServiceHarness h = await ServiceHarness.StartAsync();
        Replay s1 = await h.PrepareAsync("s1_inbound_answered.raw");
        int talking = s1.IndexOf("CHANNEL_BRIDGE") + 1;
        await h.RingThenTalkAsync(s1);

        // The socket drops; meanwhile the call hangs up, so FreeSWITCH reports no live channels.
        h.FreeSwitch.DropAll();
        await h.Portal.WaitForAsync(s => s.FinishedCalls.Count == 1, ServiceHarness.Patience);

        SandboxFinishedCall call = h.Portal.State.FinishedCalls.Single();
        Assert.That(call.StatusCode, Is.EqualTo("200"), "the call was answered before the gap");
        Assert.That(call.Duration, Is.GreaterThanOrEqualTo(1));
        Assert.That(call.UserId, Is.EqualTo(2));
        Assert.That(h.Portal.State.RequestCount("telephony.externalcall.finish"), Is.EqualTo(1));
        Assert.That(h.Portal.State.LiveCalls, Is.Empty);
    }

    [Test]
    public async Task A_full_disk_degrades_healthz_with_the_reason_and_everything_goes_out_once_it_writes_again()
    {
        await using ServiceHarness h = await ServiceHarness.StartAsync();
        IOutboxStore store = h.Service!.Services.GetRequiredService<IOutboxStore>();
        using var attempts = new SemaphoreSlim(0);
        store.BeforeAppend = _ =>
        {
            attempts.Release();
            throw new IOException("No space left on device");
        };
        using var http = new HttpClient { BaseAddress = h.EventsUrl };

        await h.PlayAsync("s1_inbound_answered.raw");
        // A second attempt means the first failure was recorded.
        Assert.That(await attempts.WaitAsync(ServiceHarness.Patience) && await attempts.WaitAsync(ServiceHarness.Patience), Is.True);
        using HttpResponseMessage full = await http.GetAsync(new Uri("/healthz", UriKind.Relative));
        using JsonDocument fullBody = JsonDocument.Parse(await full.Content.ReadAsStringAsync());

        store.BeforeAppend = null;
        await h.Portal.WaitForAsync(s => s.FinishedCalls.Count == 1 && s.FinishedCalls[0].Recording is not null, ServiceHarness.Patience);
        using HttpResponseMessage recovered = await http.GetAsync(new Uri("/healthz", UriKind.Relative));
        using JsonDocument recoveredBody = JsonDocument.Parse(await recovered.Content.ReadAsStringAsync());

        Assert.Multiple(() =>
        {
            Assert.That(full.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
            Assert.That(fullBody.RootElement.GetProperty("status").GetString(), Is.EqualTo("degraded"));
            Assert.That(fullBody.RootElement.GetProperty("outbox").GetProperty("writeProblem").GetProperty("error").GetString(),
                Does.Contain("No space left on device"));
            Assert.That(recovered.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(recoveredBody.RootElement.GetProperty("outbox").GetProperty("writeProblem").ValueKind, Is.EqualTo(JsonValueKind.Null));
            Assert.That(h.Portal.State.FinishedCalls.Single().StatusCode, Is.EqualTo("200"), "nothing was lost");
            Assert.That(h.Portal.State.RequestCount("telephony.externalcall.finish"), Is.EqualTo(1));
        });
    }
}
