using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using FsBitrix.Esl.Protocol;

namespace FsBitrix.Benchmarks.Service;

/// <summary>
/// The FreeSWITCH side of the service benchmark: an inbound event socket on 127.0.0.1 that answers the
/// handshake and sends prepared frames; calls are copies of a real capture with fresh UUIDs.
/// </summary>
internal sealed partial class BenchFreeSwitch : IAsyncDisposable
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

    /// <summary>The capture's events (recording events left out) and the UUIDs they mention.</summary>
    public static BenchTemplate Template(string capturePath)
    {
        var sequence = new ReadOnlySequence<byte>(File.ReadAllBytes(capturePath));
        var events = new List<(string, string, string)>();
        while (EslFrameParser.TryReadFrame(ref sequence, EslParserOptions.Default, out EslFrame? frame, pooled: false))
        {
            if (frame.IsEvent && frame.Event.EventName is { } name && name is not ("RECORD_START" or "RECORD_STOP"))
            {
                events.Add((frame.ContentTypeText, Encoding.UTF8.GetString(frame.Body.Span), name));
            }
        }

        List<string> uuids = events.SelectMany(e => Uuid().Matches(e.Item2).Select(m => m.Value)).Distinct().ToList();
        long recordedAt = long.Parse(EventDate().Match(events[0].Item2).Groups[1].ValueSpan, CultureInfo.InvariantCulture) / 1_000_000;
        return new BenchTemplate(events, uuids, recordedAt);
    }

    public async Task SendAsync(IEnumerable<byte[]> frames)
    {
        NetworkStream stream = await _client.Task.ConfigureAwait(false);
        await _write.WaitAsync().ConfigureAwait(false);
        try
        {
            foreach (byte[] frame in frames)
            {
                await stream.WriteAsync(frame).ConfigureAwait(false);
            }
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

    [GeneratedRegex("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")]
    private static partial Regex Uuid();

    [GeneratedRegex("Event-Date-Timestamp: ([0-9]+)")]
    private static partial Regex EventDate();

    /// <summary>Epoch times as FreeSWITCH writes them: seconds (10 digits) or microseconds (16).</summary>
    [GeneratedRegex("(?<![0-9])1[0-9]{9}(?:[0-9]{6})?(?![0-9])")]
    internal static partial Regex EpochTime();

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

    private static bool TryCommand(ref ReadOnlySequence<byte> buffer, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? line)
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

/// <summary>
/// A capture reduced to what the benchmark replays: events in order, the UUIDs to replace, and when it was recorded
/// (Unix seconds of its first event).
/// </summary>
internal sealed record BenchTemplate(List<(string ContentType, string Inner, string EventName)> Events, List<string> Uuids, long RecordedAt)
{
    public int IndexOf(string eventName) => Events.FindIndex(e => e.EventName == eventName);

    /// <summary>
    /// A new call: the same events with fresh UUIDs and times moved to now (a live FreeSWITCH stamps events with its
    /// clock; days-old times make the service's idle expiry end live calls), rendered only when sent (2,000 calls of
    /// frames would not fit the point).
    /// </summary>
    public BenchCall NewCall() => new(this, Uuids.ToDictionary(u => u, _ => Guid.NewGuid().ToString(), StringComparer.Ordinal),
        DateTimeOffset.UtcNow.ToUnixTimeSeconds() - RecordedAt);
}

/// <summary>One call of a template, with its own UUIDs, its times <paramref name="Shift"/> seconds later than recorded.</summary>
internal sealed record BenchCall(BenchTemplate Template, Dictionary<string, string> Uuids, long Shift)
{
    public IEnumerable<byte[]> Render(int from, int count)
    {
        foreach ((string contentType, string inner, string _) in Template.Events.Skip(from).Take(count))
        {
            string fresh = inner;
            foreach ((string old, string replacement) in Uuids)
            {
                fresh = fresh.Replace(old, replacement, StringComparison.Ordinal);
            }

            fresh = BenchFreeSwitch.EpochTime().Replace(fresh, m => Moved(m.Value));

            byte[] body = Encoding.UTF8.GetBytes(fresh);
            yield return [.. Encoding.ASCII.GetBytes($"Content-Length: {body.Length}\nContent-Type: {contentType}\n\n"), .. body];
        }
    }

    // Only numbers within a day of the recording are times; others of ten digits (SDP session ids) stay.
    private string Moved(string number)
    {
        long value = long.Parse(number, CultureInfo.InvariantCulture);
        bool micro = number.Length == 16;
        long seconds = micro ? value / 1_000_000 : value;
        if (Math.Abs(seconds - Template.RecordedAt) > 86_400)
        {
            return number;
        }

        return (value + (micro ? Shift * 1_000_000 : Shift)).ToString(CultureInfo.InvariantCulture);
    }
}
