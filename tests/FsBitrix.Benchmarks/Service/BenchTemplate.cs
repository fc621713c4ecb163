using System.Buffers;
using System.Buffers.Text;
using System.Text;
using System.Text.RegularExpressions;
using FsBitrix.Esl.Protocol;

namespace FsBitrix.Benchmarks.Service;

/// <summary>
/// A capture reduced to what the benchmark replays: its events as frames (recording events left out), and where in
/// them the UUIDs and the times are. A new call is a byte copy with those places overwritten: fresh UUIDs and times
/// moved to now, both of unchanged length, so a call costs no garbage and no memory kept for later (pre-rendered
/// frames of 1,000 calls were 330 MB that the GC then promoted, and kept committed, while the service was measured).
/// </summary>
internal sealed partial class BenchTemplate
{
    private readonly List<BenchFrame> _frames;
    private readonly int _uuidCount;
    private readonly long _recordedAt;

    private BenchTemplate(List<BenchFrame> frames, int uuidCount, long recordedAt)
    {
        _frames = frames;
        _uuidCount = uuidCount;
        _recordedAt = recordedAt;
    }

    public int Count => _frames.Count;

    public static BenchTemplate Load(string capturePath)
    {
        var sequence = new ReadOnlySequence<byte>(File.ReadAllBytes(capturePath));
        var events = new List<(string EventName, byte[] Bytes)>();
        while (EslFrameParser.TryReadFrame(ref sequence, EslParserOptions.Default, out EslFrame? frame, pooled: false))
        {
            if (frame.IsEvent && frame.Event.EventName is { } name && name is not ("RECORD_START" or "RECORD_STOP"))
            {
                byte[] body = frame.Body.ToArray();
                events.Add((name, [.. Encoding.ASCII.GetBytes($"Content-Length: {body.Length}\nContent-Type: {frame.ContentTypeText}\n\n"), .. body]));
            }
        }

        // Latin-1 maps each byte to one char: a match's index is its byte offset.
        List<string> texts = events.Select(e => Encoding.Latin1.GetString(e.Bytes)).ToList();
        List<string> uuids = texts.SelectMany(t => Uuid().Matches(t).Select(m => m.Value)).Distinct().ToList();
        long recordedAt = long.Parse(EventDate().Match(texts[0]).Groups[1].ValueSpan, System.Globalization.CultureInfo.InvariantCulture) / 1_000_000;
        var frames = new List<BenchFrame>();
        for (int i = 0; i < events.Count; i++)
        {
            IEnumerable<BenchPatch> ids = Uuid().Matches(texts[i]).Select(m => new BenchPatch(m.Index, m.Length, uuids.IndexOf(m.Value)));
            IEnumerable<BenchPatch> times = EpochTime().Matches(texts[i])
                .Where(m => IsTimeNear(m.Value, recordedAt))
                .Select(m => new BenchPatch(m.Index, m.Length, BenchPatch.Time));
            frames.Add(new BenchFrame(events[i].EventName, events[i].Bytes, [.. ids, .. times]));
        }

        return new BenchTemplate(frames, uuids.Count, recordedAt);
    }

    public int IndexOf(string eventName) => _frames.FindIndex(f => f.EventName == eventName);

    public int LastIndexOf(string eventName) => _frames.FindLastIndex(f => f.EventName == eventName);

    /// <summary>A new call: fresh UUIDs, its times as if it started now (days-old times would make the service's idle
    /// expiry end live calls).</summary>
    public BenchCall NewCall() => new(this,
        Enumerable.Range(0, _uuidCount).Select(_ => Encoding.ASCII.GetBytes(Guid.NewGuid().ToString())).ToArray(),
        DateTimeOffset.UtcNow.ToUnixTimeSeconds() - _recordedAt);

    /// <summary>Writes frames <paramref name="from"/> to <paramref name="from"/> + <paramref name="count"/> of a call into
    /// <paramref name="into"/> (cleared first), which the result's frames point into.</summary>
    internal RenderedFrames Render(BenchCall call, int from, int count, ArrayBufferWriter<byte> into)
    {
        into.ResetWrittenCount();
        var lengths = new List<int>(count);
        foreach (BenchFrame frame in _frames.Skip(from).Take(count))
        {
            Span<byte> span = into.GetSpan(frame.Bytes.Length)[..frame.Bytes.Length];
            frame.Bytes.CopyTo(span);
            foreach (BenchPatch patch in frame.Patches)
            {
                Span<byte> place = span.Slice(patch.Offset, patch.Length);
                if (patch.Uuid == BenchPatch.Time)
                {
                    Utf8Parser.TryParse(place, out long value, out _);
                    long moved = value + (patch.Length == 16 ? call.Shift * 1_000_000 : call.Shift);
                    Utf8Formatter.TryFormat(moved, place, out _);
                }
                else
                {
                    call.Uuids[patch.Uuid].CopyTo(place);
                }
            }

            into.Advance(frame.Bytes.Length);
            lengths.Add(frame.Bytes.Length);
        }

        return new RenderedFrames(into.WrittenMemory, lengths);
    }

    // Only numbers within a day of the recording are times; other ten-digit numbers (SDP session ids) stay.
    private static bool IsTimeNear(string number, long recordedAt)
    {
        long value = long.Parse(number, System.Globalization.CultureInfo.InvariantCulture);
        return Math.Abs((number.Length == 16 ? value / 1_000_000 : value) - recordedAt) <= 86_400;
    }

    [GeneratedRegex("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")]
    private static partial Regex Uuid();

    [GeneratedRegex("Event-Date-Timestamp: ([0-9]+)")]
    private static partial Regex EventDate();

    /// <summary>Epoch times as FreeSWITCH writes them: seconds (10 digits) or microseconds (16).</summary>
    [GeneratedRegex("(?<![0-9])1[0-9]{9}(?:[0-9]{6})?(?![0-9])")]
    private static partial Regex EpochTime();

    private sealed record BenchFrame(string EventName, byte[] Bytes, BenchPatch[] Patches);

    /// <param name="Uuid">Which of the capture's UUIDs is here, or <see cref="Time"/>.</param>
    private readonly record struct BenchPatch(int Offset, int Length, int Uuid)
    {
        public const int Time = -1;
    }
}

/// <summary>One call of a template: its own UUIDs (in the template's order, as ASCII) and how many seconds later than
/// recorded its times are.</summary>
internal sealed class BenchCall(BenchTemplate template, byte[][] uuids, long shift)
{
    public byte[][] Uuids => uuids;

    public long Shift => shift;

    public RenderedFrames Render(int from, int count, ArrayBufferWriter<byte> into) => template.Render(this, from, count, into);
}

/// <summary>Frames laid end to end in one buffer.</summary>
internal sealed class RenderedFrames(ReadOnlyMemory<byte> bytes, List<int> lengths)
{
    public IEnumerable<ReadOnlyMemory<byte>> Frames
    {
        get
        {
            int offset = 0;
            foreach (int length in lengths)
            {
                yield return bytes.Slice(offset, length);
                offset += length;
            }
        }
    }
}
