using System.Buffers;
using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using FsBitrix.Esl.Protocol;

namespace FsBitrix.Tests.Support;

/// <summary>
/// A fake FreeSWITCH inbound socket on 127.0.0.1 that replays the events of real captures with fresh UUIDs (so
/// the same capture can be played many times) and with recordings moved to a folder the test owns.
/// </summary>
internal sealed partial class CaptureFreeSwitch : IAsyncDisposable
{
    // Where the captures' FreeSWITCH wrote recordings and voicemail messages (s1–s17, then s18–s25).
    private static readonly string[] CapturedRecordings =
    [
        "/opt/fswitch/rec/", "/usr/local/fs/rec/", "/usr/local/fs/run/storage/voicemail/default/lab.example/1001/",
    ];
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<int, Client> _clients = new();
    private readonly Task _accepting;
    private int _next;
    private int _disposed;

    public CaptureFreeSwitch(string recordingsFolder)
    {
        RecordingsFolder = recordingsFolder.EndsWith('/') ? recordingsFolder : recordingsFolder + "/";
        _listener.Start();
        _accepting = Task.Run(AcceptAsync);
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public string RecordingsFolder { get; }

    /// <summary>UUIDs of channels that <c>show channels as json</c> reports as live.</summary>
    public ConcurrentDictionary<string, bool> LiveChannels { get; } = new();

    /// <summary>Phones registered here (extension → realm), as <c>show registrations as json</c> lists them.</summary>
    public ConcurrentDictionary<string, string> Registrations { get; } = new();

    /// <summary>Every <c>bgapi</c> received, in order; read them with <see cref="NextBgapiAsync"/>.</summary>
    public ConcurrentQueue<BgapiCommand> Bgapis { get; } = new();

    /// <summary>
    /// What the command/reply to a <c>bgapi</c> says: null (the default) accepts it with <c>+OK Job-UUID</c>;
    /// any other text (e.g. <c>-ERR ...</c>) refuses it.
    /// </summary>
    public Func<BgapiCommand, string?> BgapiReply { get; set; } = _ => null;

    /// <summary>A <c>bgapi</c> is recorded but never answered, as when the service stops while sending it.</summary>
    public bool HoldBgapis { get; set; }

    /// <summary>While set and not completed, a new connection is accepted but not asked to log in (FreeSWITCH slow to answer).</summary>
    public TaskCompletionSource? HoldLogins { get; set; }

    private readonly System.Threading.Channels.Channel<BgapiCommand> _bgapiFeed =
        System.Threading.Channels.Channel.CreateUnbounded<BgapiCommand>();

    /// <summary>The next <c>bgapi</c> a client sends (already answered per <see cref="BgapiReply"/>).</summary>
    public async Task<BgapiCommand> NextBgapiAsync(TimeSpan timeout) =>
        await _bgapiFeed.Reader.ReadAsync().AsTask().WaitAsync(timeout);

    /// <summary>Completes when some client has subscribed to events.</summary>
    public Task Subscribed => _subscribed.Task;

    private TaskCompletionSource _subscribed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>
    /// The events of a capture, re-framed with fresh UUIDs; returns the old → new UUID map. UUIDs in
    /// <paramref name="keep"/> get the given new value instead (e.g. the origination UUID the service chose);
    /// <paramref name="edit"/> sees each event's original text and may change it or drop it (null).
    /// </summary>
    public static (List<byte[]> Frames, Dictionary<string, string> Uuids) Prepare(byte[] capture, string recordingsFolder,
        IReadOnlyDictionary<string, string>? keep = null, Func<string, string?>? edit = null)
    {
        var uuids = new Dictionary<string, string>(keep ?? new Dictionary<string, string>(), StringComparer.Ordinal);
        var frames = new List<byte[]>();
        foreach (EslCapturedFrame frame in EslCapture.Read(capture))
        {
            if (frame.Event is null)
            {
                continue;
            }

            string? edited = Encoding.UTF8.GetString(frame.Body.Span);
            if ((edited = edit is null ? edited : edit(edited)) is not { } inner)
            {
                continue;
            }

            inner = UuidPattern().Replace(inner, m => Fresh(uuids, m.Value));
            inner = CapturedRecordings.Aggregate(inner, (text, folder) => text.Replace(folder, recordingsFolder, StringComparison.Ordinal));
            byte[] body = Encoding.UTF8.GetBytes(inner);
            frames.Add([.. Encoding.ASCII.GetBytes($"Content-Length: {body.Length}\nContent-Type: {frame.ContentType}\n\n"), .. body]);
        }

        return (frames, uuids);
    }

    /// <summary>Sends frames to every connected client, in order.</summary>
    public async Task SendAsync(IEnumerable<byte[]> frames)
    {
        foreach (byte[] frame in frames)
        {
            foreach (Client client in _clients.Values)
            {
                await client.SendAsync(frame);
            }
        }
    }

    /// <summary>From now on <see cref="Subscribed"/> waits for the next client's subscription (another service instance's).</summary>
    public void ExpectSubscription() => _subscribed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Cuts every connection, as a FreeSWITCH restart or a network fault would.</summary>
    public void DropAll()
    {
        _subscribed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        foreach (Client client in _clients.Values)
        {
            client.Drop();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stop.CancelAsync();
        _listener.Stop();
        DropAll();
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

    private static string Fresh(Dictionary<string, string> uuids, string old)
    {
        if (!uuids.TryGetValue(old, out string? fresh))
        {
            fresh = Guid.NewGuid().ToString();
            uuids[old] = fresh;
        }

        return fresh;
    }

    [GeneratedRegex("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")]
    private static partial Regex UuidPattern();

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

            int id = Interlocked.Increment(ref _next);
            var client = new Client(this, socket);
            _clients[id] = client;
            _ = Task.Run(async () =>
            {
                await client.RunAsync();
                _clients.TryRemove(id, out _);
            });
        }
    }

    private sealed class Client(CaptureFreeSwitch server, Socket socket)
    {
        private readonly NetworkStream _stream = new(socket, ownsSocket: true);
        private readonly SemaphoreSlim _write = new(1, 1);

        public async Task SendAsync(byte[] bytes)
        {
            await _write.WaitAsync();
            try
            {
                await _stream.WriteAsync(bytes);
            }
            catch (IOException)
            {
                // The client went away; the test notices through the service.
            }
            finally
            {
                _write.Release();
            }
        }

        public void Drop() => socket.Close(0);

        public async Task RunAsync()
        {
            try
            {
                if (server.HoldLogins is { } hold)
                {
                    await hold.Task;
                }

                await SendAsync("Content-Type: auth/request\n\n"u8.ToArray());
                PipeReader reader = PipeReader.Create(_stream);
                while (await ReadCommandAsync(reader) is { } command)
                {
                    string line = command.Split('\n')[0];
                    if (line.StartsWith("bgapi ", StringComparison.Ordinal))
                    {
                        await AnswerBgapiAsync(command);
                        continue;
                    }

                    await SendAsync(Answer(line));
                    if (line.StartsWith("event ", StringComparison.Ordinal))
                    {
                        server._subscribed.TrySetResult();
                    }
                }
            }
            catch (Exception ex) when (ex is IOException or ObjectDisposedException or SocketException)
            {
            }
        }

        private async Task AnswerBgapiAsync(string command)
        {
            string[] lines = command.Split('\n');
            string job = lines.Skip(1).Select(l => l.Split(": ", 2)).Where(p => p.Length == 2 && p[0] == "Job-UUID")
                .Select(p => p[1].Trim()).FirstOrDefault() ?? Guid.NewGuid().ToString();
            var bgapi = new BgapiCommand(lines[0]["bgapi ".Length..], job);
            string reply = server.BgapiReply(bgapi) ?? "+OK Job-UUID: " + job;
            if (!server.HoldBgapis)
            {
                await SendAsync(Encoding.ASCII.GetBytes($"Content-Type: command/reply\nReply-Text: {reply}\nJob-UUID: {job}\n\n"));
            }

            server.Bgapis.Enqueue(bgapi);
            server._bgapiFeed.Writer.TryWrite(bgapi);
        }

        private byte[] Answer(string line)
        {
            if (line.StartsWith("api uuid_exists ", StringComparison.Ordinal))
            {
                byte[] exists = Encoding.ASCII.GetBytes(server.LiveChannels.ContainsKey(line["api uuid_exists ".Length..].Trim()) ? "true" : "false");
                return [.. Encoding.ASCII.GetBytes($"Content-Type: api/response\nContent-Length: {exists.Length}\n\n"), .. exists];
            }

            if (line.StartsWith("api show registrations as json", StringComparison.Ordinal))
            {
                KeyValuePair<string, string>[] phones = [.. server.Registrations];
                string json = phones.Length == 0
                    ? "{\"row_count\":0}"
                    : "{\"row_count\":" + phones.Length + ",\"rows\":[" + string.Join(',', phones.Select(p =>
                        $"{{\"reg_user\":\"{p.Key}\",\"realm\":\"{p.Value}\",\"token\":\"t\",\"url\":\"sofia/internal/sip:{p.Key}@127.0.0.1:5071\",\"expires\":\"1796700000\",\"network_ip\":\"127.0.0.1\",\"network_port\":\"5071\",\"network_proto\":\"udp\",\"hostname\":\"fs\",\"metadata\":\"\"}}")) + "]}";
                byte[] body = Encoding.UTF8.GetBytes(json + "\n");
                return [.. Encoding.ASCII.GetBytes($"Content-Type: api/response\nContent-Length: {body.Length}\n\n"), .. body];
            }

            if (line.StartsWith("api show channels as json", StringComparison.Ordinal))
            {
                string[] live = [.. server.LiveChannels.Keys];
                string json = live.Length == 0
                    ? "{\"row_count\":0}"
                    : "{\"row_count\":" + live.Length + ",\"rows\":[" + string.Join(',', live.Select(u => "{\"uuid\":\"" + u + "\"}")) + "]}";
                byte[] body = Encoding.UTF8.GetBytes(json + "\n");
                return [.. Encoding.ASCII.GetBytes($"Content-Type: api/response\nContent-Length: {body.Length}\n\n"), .. body];
            }

            string reply = line.Split(' ')[0] switch
            {
                "auth" => "+OK accepted",
                "event" => "+OK event listener enabled plain",
                "filter" => "+OK filter added.",
                _ => "-ERR command not found",
            };
            return Encoding.ASCII.GetBytes($"Content-Type: command/reply\nReply-Text: {reply}\n\n");
        }

        private static async Task<string?> ReadCommandAsync(PipeReader reader)
        {
            while (true)
            {
                ReadResult read = await reader.ReadAsync();
                ReadOnlySequence<byte> buffer = read.Buffer;
                var seq = new SequenceReader<byte>(buffer);
                if (seq.TryReadTo(out ReadOnlySequence<byte> command, "\n\n"u8))
                {
                    string text = Encoding.UTF8.GetString(command);
                    reader.AdvanceTo(seq.Position);
                    return text;
                }

                reader.AdvanceTo(buffer.Start, buffer.End);
                if (read.IsCompleted)
                {
                    return null;
                }
            }
        }
    }
}
