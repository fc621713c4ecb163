using System.Buffers;
using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace FsBitrix.Benchmarks.Failover;

/// <summary>
/// One FreeSWITCH node of the failover benchmark: an event socket on 127.0.0.1 that any number of FsBitrix instances
/// may log in to, one after the other, as the leader changes. It knows its live channels from the events it sends
/// (CHANNEL_CREATE to CHANNEL_HANGUP_COMPLETE) and lists them for <c>show channels as json</c> and
/// <c>uuid_exists</c>, as FreeSWITCH does to a leader that resyncs. Events sent while nobody listens are lost, as
/// they are to a FreeSWITCH whose only client died.
/// </summary>
internal sealed class FailoverNode : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly ConcurrentDictionary<int, Client> _clients = new();
    private readonly ConcurrentDictionary<string, bool> _live = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private int _next;

    public FailoverNode(string name)
    {
        Name = name;
        _listener.Start();
        _ = Task.Run(AcceptAsync);
    }

    public string Name { get; }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Sends one event to whoever is logged in (nobody: it is lost), and keeps the live channels.</summary>
    public async Task SendAsync(byte[] frame)
    {
        string text = Encoding.UTF8.GetString(frame);
        string? uuid = Header(text, "Unique-ID");
        string? name = Header(text, "Event-Name");
        if (uuid is not null && name == "CHANNEL_CREATE")
        {
            _live[uuid] = true;
        }
        else if (uuid is not null && name == "CHANNEL_HANGUP_COMPLETE")
        {
            _live.TryRemove(uuid, out _);
        }

        foreach (Client client in _clients.Values.Where(c => c.Subscribed))
        {
            await client.SendAsync(frame).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        foreach (Client client in _clients.Values)
        {
            client.Dispose();
        }

        _stop.Dispose();
    }

    private static string? Header(string frame, string name)
    {
        int at = frame.IndexOf("\n" + name + ": ", StringComparison.Ordinal);
        if (at < 0)
        {
            return null;
        }

        int start = at + name.Length + 3;
        int end = frame.IndexOf('\n', start);
        return frame[start..(end < 0 ? frame.Length : end)].Trim();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            int id = Interlocked.Increment(ref _next);
            var client = new Client(this, socket);
            _clients[id] = client;
            _ = Task.Run(async () =>
            {
                await client.RunAsync().ConfigureAwait(false);
                _clients.TryRemove(id, out _);
                client.Dispose();
            });
        }
    }

    private sealed class Client(FailoverNode node, Socket socket) : IDisposable
    {
        private readonly NetworkStream _stream = new(socket, ownsSocket: true);
        private readonly SemaphoreSlim _write = new(1, 1);

        public bool Subscribed { get; private set; }

        public async Task SendAsync(byte[] bytes)
        {
            await _write.WaitAsync().ConfigureAwait(false);
            try
            {
                await _stream.WriteAsync(bytes).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException or SocketException)
            {
                // The instance died: what it did not read is lost, as with a real FreeSWITCH.
            }
            finally
            {
                _write.Release();
            }
        }

        public async Task RunAsync()
        {
            try
            {
                await SendAsync("Content-Type: auth/request\n\n"u8.ToArray()).ConfigureAwait(false);
                PipeReader reader = PipeReader.Create(_stream);
                while (true)
                {
                    ReadResult read = await reader.ReadAsync().ConfigureAwait(false);
                    ReadOnlySequence<byte> buffer = read.Buffer;
                    while (Service.BenchFreeSwitch.TryCommand(ref buffer, out string? line))
                    {
                        await SendAsync(Answer(line)).ConfigureAwait(false);
                        if (line.StartsWith("event ", StringComparison.Ordinal))
                        {
                            Subscribed = true;
                        }
                    }

                    reader.AdvanceTo(buffer.Start, buffer.End);
                    if (read.IsCompleted)
                    {
                        return;
                    }
                }
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException or SocketException)
            {
            }
        }

        public void Dispose()
        {
            _stream.Dispose();
            _write.Dispose();
        }

        private byte[] Answer(string line)
        {
            if (line.StartsWith("api show channels as json", StringComparison.Ordinal))
            {
                string[] live = [.. node._live.Keys];
                string json = live.Length == 0
                    ? "{\"row_count\":0}"
                    : "{\"row_count\":" + live.Length + ",\"rows\":[" + string.Join(',', live.Select(u => "{\"uuid\":\"" + u + "\"}")) + "]}";
                return Api(json);
            }

            if (line.StartsWith("api uuid_exists ", StringComparison.Ordinal))
            {
                return Api(node._live.ContainsKey(line["api uuid_exists ".Length..].Trim()) ? "true" : "false");
            }

            if (line.StartsWith("api ", StringComparison.Ordinal))
            {
                return Api("{\"row_count\":0}");
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

        private static byte[] Api(string text)
        {
            byte[] body = Encoding.UTF8.GetBytes(text + "\n");
            return [.. Encoding.ASCII.GetBytes($"Content-Type: api/response\nContent-Length: {body.Length}\n\n"), .. body];
        }
    }
}
