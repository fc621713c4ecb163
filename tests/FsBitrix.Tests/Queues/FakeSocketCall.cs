using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading.Channels;

namespace FsBitrix.Tests.Queues;

/// <summary>
/// FreeSWITCH's <c>socket</c> application for one caller: connects to the service's listener and answers each
/// command with what the real one sent in s16/s17 (.outbound.raw), re-framed with this caller's UUID. Executions
/// report back under the Event-UUID the service chose; when a bridge returns and when the caller hangs up is the
/// test's to say.
/// </summary>
internal sealed class FakeSocketCall : IAsyncDisposable
{
    // The captured customer legs of s16 and s17 both become this call's caller.
    private const string S16Caller = "1bc7867e-9b14-4310-92e2-85847eaf27ff";
    private const string S17Caller = "6e9dc129-b0df-4a0a-89a9-676dc57cc229";
    private static readonly Lazy<CapturedFrames> S16 = new(() => CapturedFrames.Load("s16_socket_ring_all.outbound.raw"));
    private static readonly Lazy<CapturedFrames> S17 = new(() => CapturedFrames.Load("s17_socket_abandon.outbound.raw"));

    private readonly TcpClient _tcp = new();
    private readonly SemaphoreSlim _write = new(1, 1);
    private readonly Channel<SocketCommand> _feed = Channel.CreateUnbounded<SocketCommand>();
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _answering = Task.CompletedTask;
    private (string Name, string Value)? _channelVariable;

    private FakeSocketCall(string callerUuid) => CallerUuid = callerUuid;

    /// <summary>The caller's channel UUID (map the inbound capture's customer leg to it).</summary>
    public string CallerUuid { get; }

    public ConcurrentQueue<SocketCommand> Received { get; } = new();

    /// <summary>Completes when the service sent <c>exit</c> (answered with +OK bye and the disconnect notice).</summary>
    public Task Exited => _exited.Task;

    /// <param name="callerUuid">The caller's channel, when the test played its events before the socket app started.</param>
    /// <param name="channelVariable">
    /// The dialplan variable that says what the socket is for, in place of the capture's <c>fsbitrix_queue=sales</c>
    /// (e.g. <c>("fsbitrix_lookup", "owner")</c>).
    /// </param>
    public static async Task<FakeSocketCall> ConnectAsync(IPEndPoint service, string? callerUuid = null, (string Name, string Value)? channelVariable = null)
    {
        var call = new FakeSocketCall(callerUuid ?? Guid.NewGuid().ToString()) { _channelVariable = channelVariable };
        await call._tcp.ConnectAsync(service);
        call._answering = Task.Run(call.AnswerAllAsync);
        return call;
    }

    /// <summary>The next command the service sends that matches (commands already seen count too).</summary>
    public async Task<SocketCommand> NextAsync(Func<SocketCommand, bool> match, TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        while (true)
        {
            SocketCommand command = await _feed.Reader.ReadAsync(cancel.Token);
            if (match(command))
            {
                return command;
            }
        }
    }

    public Task<SocketCommand> NextBridgeAsync(TimeSpan timeout) => NextAsync(c => c.IsExecute("bridge"), timeout);

    /// <summary>The bridge returns: answered (the call is over, s16) or not (every leg failed, s17).</summary>
    public Task EndBridgeAsync(SocketCommand bridge, bool answered) =>
        SendAsync(answered ? S16.Value.Frames[16] : S17.Value.Frames[11], bridge.EventUuid);

    /// <summary>The caller's leg hangs up: CHANNEL_HANGUP, then the linger notice.</summary>
    public async Task HangUpAsync()
    {
        await SendAsync(S16.Value.Frames[15]);
        await SendAsync(S16.Value.Frames[22]);
    }

    public async ValueTask DisposeAsync()
    {
        _tcp.Dispose();
        try
        {
            await _answering;
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or SocketException)
        {
        }

        _write.Dispose();
    }

    private async Task AnswerAllAsync()
    {
        PipeReader reader = PipeReader.Create(_tcp.GetStream());
        while (await SocketCommand.ReadAsync(reader) is { } command)
        {
            Received.Enqueue(command);
            await AnswerAsync(command);
            _feed.Writer.TryWrite(command);
            if (command.Line == "exit")
            {
                _exited.TrySetResult();
                return;
            }
        }
    }

    private async Task AnswerAsync(SocketCommand command)
    {
        List<(string, string)> s16 = S16.Value.Frames;
        string word = command.Line.Split(' ')[0];
        switch (word)
        {
            case "connect":
                await SendAsync(_channelVariable is { } v
                    ? (s16[0].Item1.Replace("variable_fsbitrix_queue: sales", $"variable_{v.Name}: {v.Value}", StringComparison.Ordinal), s16[0].Item2)
                    : s16[0]);
                break;
            case "linger":
                await SendAsync(s16[1]);
                break;
            case "myevents":
                await SendAsync(s16[2]);
                break;
            case "api":
                byte[] ok = "+OK\n"u8.ToArray();
                await WriteAsync([.. Encoding.ASCII.GetBytes($"Content-Type: api/response\nContent-Length: {ok.Length}\n\n"), .. ok]);
                break;
            case "exit":
                await SendAsync(s16[23]);
                await SendAsync(s16[24]);
                break;
            case "sendmsg":
                await SendAsync(s16[3]);
                if (command.Headers.GetValueOrDefault("call-command") == "hangup")
                {
                    await HangUpAsync();
                }
                else if (command.App == "bridge")
                {
                    await SendAsync(s16[10], command.EventUuid);
                }
                else
                {
                    await SendAsync(s16[6], command.EventUuid);
                    await SendAsync(s16[7], command.EventUuid);
                }

                break;
            default:
                await WriteAsync("Content-Type: command/reply\nReply-Text: +OK\n\n"u8.ToArray());
                break;
        }
    }

    // An execution's events carry the Event-UUID the service sent, in place of the captured Application-UUID.
    private Task SendAsync((string Headers, string Body) frame, string? applicationUuid = null)
    {
        var uuids = new Dictionary<string, string>(StringComparer.Ordinal) { [S16Caller] = CallerUuid, [S17Caller] = CallerUuid };
        if (applicationUuid is not null && CapturedFrames.Header(frame.Body, "Application-UUID") is { } captured)
        {
            uuids[captured] = applicationUuid;
        }

        return WriteAsync(CapturedFrames.Frame(frame, uuids));
    }

    private async Task WriteAsync(byte[] bytes)
    {
        await _write.WaitAsync();
        try
        {
            await _tcp.GetStream().WriteAsync(bytes);
        }
        finally
        {
            _write.Release();
        }
    }
}
