using System.Buffers;
using System.Diagnostics;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace FsBitrix.Benchmarks.Service;

/// <summary>
/// The FreeSWITCH side of the service benchmark: an inbound event socket on 127.0.0.1 that answers the
/// handshake and sends prepared frames; calls are copies of a real capture with fresh UUIDs.
/// </summary>
internal sealed class BenchFreeSwitch : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly TaskCompletionSource<NetworkStream> _client = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _subscribed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SemaphoreSlim _write = new(1, 1);

    public BenchFreeSwitch()
    {
        _listener.Start();
        _ = Task.Run(ServeAsync);
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public Task Subscribed => _subscribed.Task;

    /// <summary>Writes the frames one by one, as FreeSWITCH writes each event; returns when frame
    /// <paramref name="stampAt"/> began to be written.</summary>
    public async Task<BenchStamp> SendAsync(RenderedFrames frames, int stampAt = 0)
    {
        NetworkStream stream = await _client.Task.ConfigureAwait(false);
        await _write.WaitAsync().ConfigureAwait(false);
        try
        {
            BenchStamp stamp = default;
            int index = 0;
            foreach (ReadOnlyMemory<byte> frame in frames.Frames)
            {
                if (index++ == stampAt)
                {
                    stamp = new BenchStamp(Stopwatch.GetTimestamp(), DateTimeOffset.UtcNow);
                }

                await stream.WriteAsync(frame).ConfigureAwait(false);
            }

            return stamp;
        }
        finally
        {
            _write.Release();
        }
    }

    public ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task ServeAsync()
    {
        Socket socket = await _listener.AcceptSocketAsync().ConfigureAwait(false);
        socket.NoDelay = true;
        var stream = new NetworkStream(socket, ownsSocket: true);
        await Reply(stream, "Content-Type: auth/request\n\n").ConfigureAwait(false);
        PipeReader reader = PipeReader.Create(stream);
        _client.SetResult(stream);
        while (true)
        {
            ReadResult read = await reader.ReadAsync().ConfigureAwait(false);
            ReadOnlySequence<byte> buffer = read.Buffer;
            while (TryCommand(ref buffer, out string? line))
            {
                string answer = line.StartsWith("api ", StringComparison.Ordinal)
                    ? "Content-Type: api/response\nContent-Length: 16\n\n{\"row_count\":0}\n"
                    : "Content-Type: command/reply\nReply-Text: +OK\n\n";
                await _write.WaitAsync().ConfigureAwait(false);
                try
                {
                    await Reply(stream, answer).ConfigureAwait(false);
                }
                finally
                {
                    _write.Release();
                }

                if (line.StartsWith("event ", StringComparison.Ordinal))
                {
                    _subscribed.TrySetResult();
                }
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
            if (read.IsCompleted)
            {
                return;
            }
        }
    }

    /// <summary>The first line of the next command the client wrote (commands end with a blank line), if one is complete.</summary>
    internal static bool TryCommand(ref ReadOnlySequence<byte> buffer, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? line)
    {
        var reader = new SequenceReader<byte>(buffer);
        if (!reader.TryReadTo(out ReadOnlySequence<byte> command, "\n\n"u8))
        {
            line = null;
            return false;
        }

        line = Encoding.UTF8.GetString(command).Split('\n')[0];
        buffer = buffer.Slice(reader.Position);
        return true;
    }

    private static Task Reply(NetworkStream stream, string text) => stream.WriteAsync(Encoding.ASCII.GetBytes(text)).AsTask();
}

/// <summary>When a frame began to be written: Stopwatch ticks (the service's issue stamps compare with these) and wall
/// time (the portal's arrival stamps).</summary>
internal readonly record struct BenchStamp(long Ticks, DateTimeOffset At);
