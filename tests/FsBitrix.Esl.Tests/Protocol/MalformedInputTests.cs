using System.Buffers;
using System.Text;
using FsBitrix.Esl.Events;
using FsBitrix.Esl.Protocol;
using FsBitrix.Esl.Tests.Support;

namespace FsBitrix.Esl.Tests.Protocol;

public class MalformedInputTests
{
    [TestCase("Content-Length: abc\nContent-Type: api/response\n\n", "bad Content-Length")]
    [TestCase("Content-Length: -5\nContent-Type: api/response\n\n", "bad Content-Length")]
    [TestCase("Content-Length: 99999999999\nContent-Type: api/response\n\n", "bad Content-Length")]
    [TestCase("HTTP/1.1 200 OK\nServer: nginx\n\n", "garbage")]
    [TestCase("Content-Type: command/reply\n\u0001\u0002binary\n\n", "garbage")]
    public void A_frame_that_cannot_be_trusted_is_a_clear_protocol_error(string wire, string message)
    {
        var ex = Assert.Throws<EslProtocolException>(() => Frames.Of(wire));

        Assert.That(ex!.Message, Does.Contain(message));
    }

    [Test]
    public void A_frame_over_the_limit_is_refused_before_it_is_buffered()
    {
        var options = new EslParserOptions { MaxFrameBytes = 1024 };

        var bodyTooLarge = Assert.Throws<EslProtocolException>(() => Frames.Of("Content-Length: 2048\nContent-Type: api/response\n\n", options));
        var headerTooLarge = Assert.Throws<EslProtocolException>(() => Frames.Of("X-Big: " + new string('a', 2000), options));

        Assert.That(bodyTooLarge!.Message, Does.Contain("exceeds the 1024-byte limit"));
        Assert.That(headerTooLarge!.Message, Does.Contain("no end of frame header"));
    }

    [Test]
    public void A_truncated_frame_waits_for_more_and_never_yields_a_partial_frame()
    {
        byte[] wire = Encoding.UTF8.GetBytes("Content-Type: api/response\nContent-Length: 10\n\n12345");
        var seq = new ReadOnlySequence<byte>(wire);

        bool complete = EslFrameParser.TryReadFrame(ref seq, EslParserOptions.Default, out EslFrame? frame);

        Assert.That(complete, Is.False);
        Assert.That(frame, Is.Null);
        Assert.That(seq.Length, Is.EqualTo(wire.Length), "nothing consumed");
        Assert.Throws<EslProtocolException>(() => FrameReplay.Whole(wire), "a stream ending mid-frame is reported");
    }

    /// <summary>
    /// Found by fuzzing (tests/FsBitrix.Fuzz, esl): a JSON event whose escaped string holds a byte that is not UTF-8
    /// (a SIP peer's Latin-1 caller name) threw from the header reader and would have stopped the event stream.
    /// </summary>
    [Test]
    public void A_json_event_with_non_utf8_bytes_in_an_escaped_value_reads_with_replacement_characters()
    {
        byte[] json = [.. "{\"Event-Name\":\"CHANNEL_HANG"u8.ToArray(), 0xFF, .. "\\\"\",\"Caller-Caller-ID-Name\":\"Jos"u8.ToArray(), 0xE9,
            .. "\\u0020\",\"X-List\":[\"a"u8.ToArray(), 0xFF, .. "\\n\"]}"u8.ToArray()];
        byte[] wire = [.. Encoding.ASCII.GetBytes($"Content-Length: {json.Length}\nContent-Type: text/event-json\n\n"), .. json];

        EslFrame frame = FrameReplay.ByteByByte(wire).Single();

        Assert.That(frame.Event.EventName, Is.EqualTo("CHANNEL_HANG\uFFFD\""));
        Assert.That(frame.Event["Caller-Caller-ID-Name"], Is.EqualTo("Jos\uFFFD "));
        Assert.That(frame.Event.GetHeaders("X-List"), Is.EqualTo(new[] { "a\uFFFD\n" }));
    }

    /// <summary>Found by fuzzing (esl): an Event-Date-Timestamp no date can hold threw instead of reading as unknown.</summary>
    [TestCase("999999999999999999")]
    [TestCase("9223372036854775807")]
    public void A_timestamp_beyond_any_date_reads_as_none(string microseconds)
    {
        EslFrame frame = FrameReplay.ByteByByte(Frames.EventFrame("text/event-plain",
            $"Event-Name: CHANNEL_CREATE\nEvent-Date-Timestamp: {microseconds}\nUnique-ID: 6f1c\n\n")).Single();

        Assert.That(frame.Event.Timestamp, Is.Null);
        Assert.That(EslEvent.FromMicroseconds(1796660628354291), Is.EqualTo(DateTimeOffset.FromUnixTimeMilliseconds(1796660628354).AddTicks(2910)));
    }

    [Test]
    public void Non_utf8_bytes_never_break_framing()
    {
        byte[] body = [0xFF, 0xFE, (byte)'o', (byte)'k', 0xC3];
        byte[] wire = [.. Encoding.ASCII.GetBytes($"Content-Type: api/response\nContent-Length: {body.Length}\n\n"), .. body,
            .. "Content-Type: auth/request\n\n"u8.ToArray()];

        List<EslFrame> frames = FrameReplay.ByteByByte(wire);

        Assert.That(frames, Has.Count.EqualTo(2));
        Assert.That(frames[0].Body.ToArray(), Is.EqualTo(body));
        Assert.That(frames[0].BodyText, Does.Contain("ok"));
    }

    [Test]
    public void An_unknown_content_type_is_framed_and_named_so_it_can_be_skipped()
    {
        List<EslFrame> frames = Frames.Of("Content-Type: text/future-thing\nContent-Length: 3\n\nabcContent-Type: auth/request\n\n");

        Assert.That(frames[0].ContentType, Is.EqualTo(EslContentType.Unknown));
        Assert.That(frames[0].ContentTypeText, Is.EqualTo("text/future-thing"));
        Assert.That(frames[1].ContentType, Is.EqualTo(EslContentType.AuthRequest));
    }

    [Test]
    public void A_released_frame_fails_loudly_and_a_clone_lives_on()
    {
        var seq = new ReadOnlySequence<byte>(Frames.EventFrame(EslContentTypes.EventPlain, "Event-Name: HEARTBEAT\nUnique-ID: x\n\n"));
        Assert.That(EslFrameParser.TryReadFrame(ref seq, EslParserOptions.Default, out EslFrame? pooled), Is.True);
        var kept = pooled!.Event.Clone();

        pooled.Dispose();

        Assert.Throws<ObjectDisposedException>(() => _ = pooled.Event.EventName);
        Assert.That(kept.EventName, Is.EqualTo("HEARTBEAT"));
        Assert.That(kept.UniqueId, Is.EqualTo("x"));
    }
}
