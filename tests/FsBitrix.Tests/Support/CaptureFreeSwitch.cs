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
    private const string CapturedRecordings = "/opt/fswitch/rec/";
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

    /// <summary>Completes when some client has subscribed to events.</summary>
    public Task Subscribed => _subscribed.Task;

    private TaskCompletionSource _subscribed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The events of a capture, re-framed with fresh UUIDs; returns the old → new UUID map.</summary>
    public static (List<byte[]> Frames, Dictionary<string, string> Uuids) Prepare(byte[] capture, string recordingsFolder)
    {
        var uuids = new Dictionary<string, string>(StringComparer.Ordinal);
        var frames = new List<byte[]>();
        var sequence = new ReadOnlySequence<byte>(capture);
        while (EslFrameParser.TryReadFrame(ref sequence, EslParserOptions.Default, out EslFrame? frame, pooled: false))
        {
            if (!frame.IsEvent)
            {
                continue;
            }

            string inner = Encoding.UTF8.GetString(frame.Body.Span);
            inner = UuidPattern().Replace(inner, m => Fresh(uuids, m.Value));
            inner = inner.Replace(CapturedRecordings, recordingsFolder, StringComparison.Ordinal);
            byte[] body = Encoding.UTF8.GetBytes(inner);
            frames.Add([.. Encoding.ASCII.GetBytes($"Content-Length: {body.Length}\nContent-Type: {frame.ContentTypeText}\n\n"), .. body]);
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
                await SendAsync("Content-Type: auth/request\n\n"u8.ToArray());
                PipeReader reader = PipeReader.Create(_stream);
                while (await ReadLineCommandAsync(reader) is { } line)
                {
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

        private byte[] Answer(string line)
        {
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

        private static async Task<string?> ReadLineCommandAsync(PipeReader reader)
        {
            while (true)
            {
                ReadResult read = await reader.ReadAsync();
                ReadOnlySequence<byte> buffer = read.Buffer;
                var seq = new SequenceReader<byte>(buffer);
                if (seq.TryReadTo(out ReadOnlySequence<byte> command, "\n\n"u8))
                {
                    string line = Encoding.UTF8.GetString(command).Split('\n')[0];
                    reader.AdvanceTo(seq.Position);
                    return line;
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
