using FsBitrix.Esl.Connection;
using FsBitrix.Esl.Events;
using FsBitrix.Esl.Inbound;
using FsBitrix.Esl.Protocol;
using FsBitrix.Esl.Tests.Support;

namespace FsBitrix.Esl.Tests;

/// <summary>The README's examples, run as written (against the fake FreeSWITCH and a real capture), so they stay true.</summary>
[CancelAfter(30_000)]
public class ReadmeExampleTests
{
    [Test]
    public async Task The_inbound_example_logs_in_subscribes_and_calls_api_and_bgapi()
    {
        await using var fs = new FakeFreeSwitch();
        fs.ApiResponses["status"] = "UP 0 years, 0 days\nready\n";
        var printed = new List<string>();

        // As in src/FsBitrix.Esl/README.md, the port aside.
        await using var esl = new EslInboundClient(new EslInboundOptions
        {
            Host = "127.0.0.1", Port = fs.Port, Password = "ClueCon",
            Events = [EslEventNames.ChannelCreate, EslEventNames.ChannelAnswer, EslEventNames.ChannelHangupComplete],
        });
        using var printing = esl.Events.Subscribe(e => printed.Add($"{e.EventName} {e.UniqueId} {e.GetVariable("billsec")}"));
        await esl.StartAsync();
        await esl.WaitConnectedAsync();
        EslReply status = await esl.ApiAsync("status");
        BackgroundJobResult job = await esl.BackgroundApiAsync("originate user/1001 &park()");

        Assert.That(status.Text, Does.StartWith("UP 0 years"));
        Assert.That(job.JobUuid, Is.Not.Empty);
        Assert.That(fs.AllSessions.Single().Received.Select(c => c.Line),
            Does.Contain("event plain CHANNEL_CREATE CHANNEL_ANSWER CHANNEL_HANGUP_COMPLETE"));
    }

    [Test]
    public void The_capture_example_reads_every_event_of_a_real_call()
    {
        byte[] capture = Fixtures.Bytes("scenarios/s1_inbound_answered.raw");
        List<string> names = [.. EslCapture.Read(capture).Where(f => f.Event is not null).Select(f => f.Event!.EventName!)];
        int framed = System.Text.RegularExpressions.Regex.Count(System.Text.Encoding.ASCII.GetString(capture), "Content-Type: text/event-plain\n");

        Assert.That(names, Has.Count.EqualTo(framed), "every event frame FreeSWITCH sent");
        Assert.That(names, Does.Contain(EslEventNames.ChannelCreate).And.Contain(EslEventNames.ChannelHangupComplete));
    }
}
