using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Text;
using FsBitrix.Esl.Protocol;

namespace FsBitrix.Esl.Tests.Support;

/// <summary>
/// Plays FreeSWITCH's side of a <c>socket</c>-app session: connects to our listener and answers each command
/// with the bytes the real FreeSWITCH sent for it (the outbound_*_session_step_*.raw captures). The
/// Application-UUID in a replayed execution is swapped (same length) for the Event-UUID the client chose.
/// </summary>
internal sealed class FakeSocketApp : IAsyncDisposable
{
    private readonly string _prefix;
    private readonly TcpClient _tcp = new();
    private byte[] _afterExit = [];

    private FakeSocketApp(string prefix) => _prefix = prefix;

    public List<ReceivedCommand> Received { get; } = [];

    /// <summary>Connects as FreeSWITCH would and answers until the client exits or closes.</summary>
    public static async Task<FakeSocketApp> RunAsync(IPEndPoint listener, string format = "plain")
    {
        var app = new FakeSocketApp($"protocol/outbound_{format}_session_step_");
        await app._tcp.ConnectAsync(listener);
        app.Answering = Task.Run(app.AnswerAllAsync);
        return app;
    }

    public Task Answering { get; private set; } = Task.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        _tcp.Dispose();
        try
        {
            await Answering;
        }
        catch (Exception)
        {
            // Closed under the reader.
        }
    }

    private async Task AnswerAllAsync()
    {
        NetworkStream stream = _tcp.GetStream();
        PipeReader reader = PipeReader.Create(stream);
        while (await ReceivedCommand.ReadAsync(reader, CancellationToken.None) is { } command)
        {
            Received.Add(command);
            byte[] answer = Answer(command);
            await stream.WriteAsync(answer);
            if (command.Line == "exit")
            {
                _tcp.Client.Shutdown(SocketShutdown.Both);
                return;
            }
        }
    }

    private byte[] Answer(ReceivedCommand command)
    {
        string line = command.Line;
        if (line == "connect")
        {
            return Step("connect");
        }

        if (line.StartsWith("myevents", StringComparison.Ordinal))
        {
            return Step("myevents");
        }

        if (line == "linger")
        {
            return Step("linger");
        }

        if (line.StartsWith("api ", StringComparison.Ordinal))
        {
            return Step("api_and_getvar");
        }

        if (line == "exit")
        {
            return _afterExit;
        }

        if (line.StartsWith("sendmsg", StringComparison.Ordinal) && command["call-command"] == "hangup")
        {
            // Everything up to FreeSWITCH's answer to exit, which is sent when exit comes.
            byte[] all = Step("hangup_to_end");
            int bye = IndexOf(all, "Content-Type: command/reply\nReply-Text: +OK bye"u8);
            _afterExit = all[bye..];
            return all[..bye];
        }

        if (line.StartsWith("sendmsg", StringComparison.Ordinal) && command["execute-app-name"] is { } app)
        {
            byte[] step = Step(app == "answer" ? "sendmsg_answer" : "sendmsg_playback");
            string? ours = command["Event-UUID"];
            string theirs = FrameReplay.Whole(step).Where(f => f.IsEvent).Select(f => f.Event[EslHeaders.ApplicationUuid])
                .First(u => u is not null)!;
            return ours is null ? step : Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(step).Replace(theirs, ours, StringComparison.Ordinal));
        }

        return FakeFreeSwitch.Reply("-ERR command not found");
    }

    private byte[] Step(string name) => Fixtures.Bytes(_prefix + name + ".raw");

    private static int IndexOf(byte[] haystack, ReadOnlySpan<byte> needle) => haystack.AsSpan().IndexOf(needle);
}
