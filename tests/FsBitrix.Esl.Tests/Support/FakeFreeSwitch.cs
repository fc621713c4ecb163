using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading.Channels;

namespace FsBitrix.Esl.Tests.Support;

/// <summary>
/// A FreeSWITCH inbound Event Socket on 127.0.0.1 (ephemeral port) that speaks the real handshake and
/// answers commands like FreeSWITCH 1.10 does; tests push events and cut connections at will.
/// </summary>
internal sealed class FakeFreeSwitch : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Channel<FakeEslSession> _sessions = Channel.CreateUnbounded<FakeEslSession>();
    private readonly Task _accepting;

    public FakeFreeSwitch(string password = "ClueCon")
    {
        Password = password;
        _listener.Start();
        _accepting = Task.Run(AcceptAsync);
    }

    public string Password { get; set; }

    /// <summary>When set, new connections get <c>text/rude-rejection</c> and are closed, like a failed ACL.</summary>
    public bool RejectRudely { get; set; }

    /// <summary>Canned <c>api</c> outputs by command (first word and arguments as sent).</summary>
    public ConcurrentDictionary<string, string> ApiResponses { get; } = new();

    /// <summary>When false, <c>bgapi</c> gets its reply but no BACKGROUND_JOB until the test sends one.</summary>
    public bool CompleteJobsAtOnce { get; set; } = true;

    /// <summary>Commands that get no reply at all (to test timeouts and disconnects).</summary>
    public ConcurrentBag<string> Unanswered { get; } = [];

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public ConcurrentQueue<FakeEslSession> AllSessions { get; } = new();

    public async Task<FakeEslSession> NextSessionAsync() =>
        await _sessions.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        foreach (FakeEslSession s in AllSessions)
        {
            await s.DisposeAsync();
        }

        try
        {
            await _accepting;
        }
        catch (OperationCanceledException)
        {
        }

        _listener.Dispose();
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }

            var session = new FakeEslSession(this, socket);
            AllSessions.Enqueue(session);
            await _sessions.Writer.WriteAsync(session);
            session.Start();
        }
    }

    internal static byte[] Reply(string text, string? extraHeaders = null) =>
        Encoding.UTF8.GetBytes($"Content-Type: command/reply\nReply-Text: {text}\n{extraHeaders}\n");

    internal static byte[] Api(string body)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(body);
        return [.. Encoding.UTF8.GetBytes($"Content-Type: api/response\nContent-Length: {bytes.Length}\n\n"), .. bytes];
    }

    internal static byte[] Event(string inner)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(inner);
        return [.. Encoding.UTF8.GetBytes($"Content-Length: {bytes.Length}\nContent-Type: text/event-plain\n\n"), .. bytes];
    }

    internal static byte[] BackgroundJob(string jobUuid, string command, string output)
    {
        byte[] body = Encoding.UTF8.GetBytes(output);
        return Event($"Event-Name: BACKGROUND_JOB\nJob-UUID: {jobUuid}\nJob-Command: {command}\nContent-Length: {body.Length}\n\n{output}");
    }

    internal static readonly byte[] ByeNotice = Encoding.UTF8.GetBytes(
        "Content-Type: text/disconnect-notice\nContent-Length: 67\n\nDisconnected, goodbye.\nSee you at ClueCon! http://www.cluecon.com/\n");
}

/// <summary>One client connection to the fake.</summary>
internal sealed class FakeEslSession : IAsyncDisposable
{
    private readonly FakeFreeSwitch _server;
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly SemaphoreSlim _write = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private Task _reading = Task.CompletedTask;

    public FakeEslSession(FakeFreeSwitch server, Socket socket)
    {
        _server = server;
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
    }

    /// <summary>Every command received, in order.</summary>
    public Channel<ReceivedCommand> Commands { get; } = Channel.CreateUnbounded<ReceivedCommand>();

    public ConcurrentQueue<ReceivedCommand> Received { get; } = new();

    public bool Closed { get; private set; }

    public void Start() => _reading = Task.Run(RunAsync);

    public async Task<ReceivedCommand> NextCommandAsync(Func<ReceivedCommand, bool>? match = null)
    {
        while (true)
        {
            ReceivedCommand c = await Commands.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
            if (match is null || match(c))
            {
                return c;
            }
        }
    }

    public async Task SendAsync(byte[] bytes)
    {
        await _write.WaitAsync();
        try
        {
            await _stream.WriteAsync(bytes);
        }
        finally
        {
            _write.Release();
        }
    }

    /// <summary>Cuts the TCP connection without a goodbye, as a crashed FreeSWITCH or a network fault would.</summary>
    public void Drop()
    {
        Closed = true;
        _socket.Close(0);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        Drop();
        try
        {
            await _reading;
        }
        catch (Exception)
        {
            // The socket is gone; that is the point.
        }

        _stop.Dispose();
        _write.Dispose();
    }

    private async Task RunAsync()
    {
        if (_server.RejectRudely)
        {
            await SendAsync(Encoding.UTF8.GetBytes("Content-Type: text/rude-rejection\nContent-Length: 24\n\nAccess Denied, go away.\n"));
            Drop();
            return;
        }

        await SendAsync(Encoding.UTF8.GetBytes("Content-Type: auth/request\n\n"));
        PipeReader reader = PipeReader.Create(_stream);
        try
        {
            while (await ReceivedCommand.ReadAsync(reader, _stop.Token) is { } command)
            {
                Received.Enqueue(command);
                await Commands.Writer.WriteAsync(command);
                if (!await AnswerAsync(command))
                {
                    return;
                }
            }
        }
        catch (Exception) when (Closed || _stop.IsCancellationRequested)
        {
        }
    }

    private async Task<bool> AnswerAsync(ReceivedCommand command)
    {
        string line = command.Line;
        string word = line.Split(' ')[0];
        if (_server.Unanswered.Contains(word) || _server.Unanswered.Contains(line))
        {
            return true;
        }

        switch (word)
        {
            case "auth" when line == "auth " + _server.Password:
                await SendAsync(FakeFreeSwitch.Reply("+OK accepted"));
                return true;
            case "auth":
                await SendAsync([.. FakeFreeSwitch.Reply("-ERR invalid"), .. FakeFreeSwitch.ByeNotice]);
                Drop();
                return false;
            case "event":
                await SendAsync(FakeFreeSwitch.Reply("+OK event listener enabled " + line.Split(' ')[1]));
                return true;
            case "filter":
                string[] parts = line.Split(' ', 3);
                await SendAsync(FakeFreeSwitch.Reply($"+OK filter added. [{parts[1]}]=[{parts[2]}]"));
                return true;
            case "api":
                string api = line[4..];
                await SendAsync(FakeFreeSwitch.Api(_server.ApiResponses.TryGetValue(api, out string? output)
                    ? output
                    : $"-ERR {api.Split(' ')[0]} Command not found!\n"));
                return true;
            case "bgapi":
                string job = command["Job-UUID"] ?? Guid.NewGuid().ToString();
                string bg = line[6..];
                byte[] reply = FakeFreeSwitch.Reply("+OK Job-UUID: " + job, $"Job-UUID: {job}\n");
                await SendAsync(_server.CompleteJobsAtOnce
                    ? [.. reply, .. FakeFreeSwitch.BackgroundJob(job, bg, _server.ApiResponses.GetValueOrDefault(bg, "+OK\n"))]
                    : reply);
                return true;
            case "exit":
                await SendAsync([.. FakeFreeSwitch.Reply("+OK bye"), .. FakeFreeSwitch.ByeNotice]);
                Drop();
                return false;
            default:
                await SendAsync(FakeFreeSwitch.Reply("-ERR command not found"));
                return true;
        }
    }
}
