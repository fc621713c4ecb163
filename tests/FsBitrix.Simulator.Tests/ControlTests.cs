using FsBitrix.Core.Status;
using FsBitrix.Core.Calls;
using FsBitrix.Esl.Events;
using FsBitrix.Esl.Inbound;
using FsBitrix.Simulator.Flows;
using FsBitrix.Simulator.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace FsBitrix.Simulator.Tests;

/// <summary>Calls changed from outside (api uuid_transfer), and time driven by an injected clock.</summary>
[CancelAfter(20_000)]
public sealed class ControlTests
{
    [Test]
    public async Task Uuid_transfer_of_the_agents_partner_moves_the_customer_to_another_phone_as_in_s6()
    {
        await using Harness h = await Harness.StartAsync();
        (EslInboundClient client, EventLog log) = await h.ConnectAsync();
        Task call = h.Simulator.PlayAsync(StandardFlows.InboundAnswered("+79161234567", "74951234567", "1001") with { Talk = TimeSpan.FromDays(1) });
        string agentLeg = (await log.WaitForAsync("CHANNEL_BRIDGE")).First(e => e.EventName == "CHANNEL_BRIDGE")["Bridge-B-Unique-ID"]!;

        string reply = (await client.ApiAsync($"uuid_transfer {agentLeg} -bleg 1002 XML default")).Text;
        await call.WaitAsync(TimeSpan.FromSeconds(10));
        List<EslEvent> events = await log.WaitForCountAsync(h.Fired);

        string c = Sequences.FirstLeg(events)!;
        List<CallCommand> commands = Switchboard.Run(events);
        Assert.That(reply, Is.EqualTo("+OK\n"));
        Assert.That(events.Count(e => e.EventName == "API"), Is.EqualTo(1));
        Assert.That(commands.Take(4), Is.EqualTo(new CallCommand[]
        {
            new RegisterCall(c, c, CallType.Inbound, "+79161234567", "74951234567", null, Sequences.StartOf(events)),
            new ShowCard(c, null, "1001"),
            new HideCard(c, null, "1001"),
            new ShowCard(c, null, "1002"),
        }));
        Assert.That(commands[4], Is.TypeOf<FinishCall>().With.Property("UserPhoneInner").EqualTo("1002").And.Property(nameof(FinishCall.Status)).EqualTo(CallStatus.Answered));
        Assert.That(events.First(e => e.EventName == "CHANNEL_UNBRIDGE").HasHeader("Other-Leg-Unique-ID"), Is.False);
    }

    [Test]
    public async Task Time_is_the_injected_clocks_nothing_moves_until_it_advances()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 24, 9, 0, 0, TimeSpan.Zero));
        await using Harness h = await Harness.StartAsync(new SimulatorOptions { Time = time }, speed: 1);
        (_, EventLog log) = await h.ConnectAsync();

        // Everything up to the first wait runs before PlayAsync returns: both phones ring, the timer is set.
        _ = h.Simulator.PlayAsync(StandardFlows.RingAll("+79161234567", "74951234568", "1001", "1002"));
        List<EslEvent> ringing = await log.WaitForCountAsync(h.Fired);
        time.Advance(TimeSpan.FromSeconds(2));
        List<EslEvent> answered = await log.WaitForAsync("CHANNEL_ANSWER");

        Assert.That(ringing.Count(e => e.EventName == "CHANNEL_PROGRESS"), Is.EqualTo(2));
        Assert.That(ringing.Any(e => e.EventName == "CHANNEL_ANSWER"), Is.False);
        Assert.That(ringing[0].Timestamp, Is.EqualTo(new DateTimeOffset(2026, 11, 24, 9, 0, 0, TimeSpan.Zero)));
        Assert.That(answered.First(e => e.EventName == "CHANNEL_ANSWER").Timestamp, Is.EqualTo(ringing[0].Timestamp + TimeSpan.FromSeconds(2)));
    }
}
