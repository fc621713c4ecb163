using System.Net;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using FsBitrix.Esl.Connection;
using FsBitrix.Esl.Events;
using FsBitrix.Esl.Outbound;
using FsBitrix.Esl.Tests.Support;

namespace FsBitrix.Esl.Tests.Outbound;

[CancelAfter(30_000)]
public class OutboundSessionTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [TestCase("plain", EslEventFormat.Plain)]
    [TestCase("json", EslEventFormat.Json)]
    public async Task A_whole_socket_app_session_runs_as_FreeSWITCH_recorded_it(string captured, EslEventFormat format)
    {
        var transcript = new List<string>();
        var finished = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var listener = new EslOutboundListener(new IPEndPoint(IPAddress.Loopback, 0), async (session, ct) =>
        {
            try
            {
                Task<EslEvent> hangupComplete = session.Events.FirstAsync(e => e.EventName == EslEventNames.ChannelHangupComplete).ToTask(ct);
                EslEvent data = await session.ConnectAsync(ct);
                transcript.Add($"connect {data.EventName} {session.UniqueId}");
                transcript.Add((await session.MyEventsAsync(format, ct)).Text);
                transcript.Add((await session.LingerAsync(cancellationToken: ct)).Text);
                EslEvent answered = await session.ExecuteAsync("answer", cancellationToken: ct);
                transcript.Add($"{answered.EventName} {answered[Esl.Protocol.EslHeaders.Application]}");
                EslEvent played = await session.ExecuteAsync("playback", "tone_stream://L=2;%(500,250,440)", cancellationToken: ct);
                transcript.Add($"{played.EventName} {played[Esl.Protocol.EslHeaders.Application]}");
                transcript.Add((await session.ApiAsync($"uuid_getvar {session.UniqueId} uuid", ct)).Text);
                transcript.Add((await session.HangupAsync(cancellationToken: ct)).Text);
                EslDisconnectNotice linger = await session.HungUp.WaitAsync(Patience, ct);
                transcript.Add($"linger {linger.LingerTime}");
                transcript.Add($"{(await hangupComplete.WaitAsync(Patience, ct)).HangupCause}");
                transcript.Add((await session.ExitAsync(ct)).Text);
                transcript.Add($"closed {await session.Closed.WaitAsync(Patience, ct)}");
                finished.SetResult();
            }
            catch (Exception ex)
            {
                finished.SetException(ex);
                throw;
            }
        });
        listener.Start();

        await using FakeSocketApp freeswitch = await FakeSocketApp.RunAsync(listener.LocalEndpoint, captured);
        await finished.Task.WaitAsync(Patience);

        string uuid = transcript[0].Split(' ')[2];
        Assert.That(transcript, Is.EqualTo(new[]
        {
            $"connect CHANNEL_DATA {uuid}",
            "+OK Events Enabled",
            "+OK will linger",
            "CHANNEL_EXECUTE_COMPLETE answer",
            "CHANNEL_EXECUTE_COMPLETE playback",
            uuid,
            "+OK",
            "linger -1",
            "NORMAL_CLEARING",
            "+OK bye",
            "closed ",
        }));
        ReceivedCommand playback = freeswitch.Received.Single(c => c["execute-app-name"] == "playback");
        Assert.That(playback["execute-app-arg"], Is.EqualTo("tone_stream://L=2;%(500,250,440)"));
        Assert.That(playback["Event-UUID"], Does.Match("^[0-9a-f-]{36}$"));
    }

    [Test]
    public async Task A_long_or_multiline_application_argument_goes_in_the_body()
    {
        string argument = "line one\nline two " + new string('x', 600);
        EslCommand command = SendMessage.Execute(null, "set", argument, eventLock: true, eventUuid: "e1");

        string wire = System.Text.Encoding.UTF8.GetString(command.ToBytes());

        Assert.That(wire, Does.StartWith("sendmsg\ncall-command: execute\nexecute-app-name: set\nevent-lock: true\nEvent-UUID: e1\n"));
        Assert.That(wire, Does.Not.Contain("execute-app-arg"));
        Assert.That(wire, Does.EndWith($"content-type: text/plain\ncontent-length: {argument.Length}\n\n{argument}"));
    }

    [Test]
    public async Task A_handler_that_fails_does_not_stop_the_listener()
    {
        int calls = 0;
        var first = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var second = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var listener = new EslOutboundListener(new IPEndPoint(IPAddress.Loopback, 0), async (session, ct) =>
        {
            if (Interlocked.Increment(ref calls) == 1)
            {
                first.SetResult();
                throw new InvalidOperationException("first call breaks");
            }

            try
            {
                await session.ConnectAsync(ct);
                second.SetResult(session.UniqueId);
            }
            catch (Exception ex)
            {
                second.SetException(ex);
            }
        });
        listener.Start();

        await using (await FakeSocketApp.RunAsync(listener.LocalEndpoint))
        {
            await first.Task.WaitAsync(Patience);
        }

        await using FakeSocketApp again = await FakeSocketApp.RunAsync(listener.LocalEndpoint);
        Assert.That(await second.Task.WaitAsync(Patience), Is.EqualTo("4e0515c7-9c6d-4bac-bf76-d77e8f9004e3"));
    }
}
