using System.Buffers;
using System.Text;
using FsBitrix.Esl.Protocol;

namespace FsBitrix.Esl.Tests.Support;

internal static class Frames
{
    /// <summary>Parses hand-written wire text (UTF-8) whole.</summary>
    public static List<EslFrame> Of(string wire, EslParserOptions? options = null) =>
        FrameReplay.Parse(Encoding.UTF8.GetBytes(wire), n => int.MaxValue, options);

    /// <summary>Builds an event frame with a correct byte Content-Length around <paramref name="inner"/>.</summary>
    public static byte[] EventFrame(string contentType, string inner)
    {
        byte[] body = Encoding.UTF8.GetBytes(inner);
        byte[] head = Encoding.UTF8.GetBytes($"Content-Length: {body.Length}\nContent-Type: {contentType}\n\n");
        return [.. head, .. body];
    }

    public static EslFrame Single(byte[] wire)
    {
        var seq = new ReadOnlySequence<byte>(wire);
        Assert.That(EslFrameParser.TryReadFrame(ref seq, EslParserOptions.Default, out EslFrame? frame, pooled: false), Is.True);
        Assert.That(seq.Length, Is.Zero, "the frame used every byte");
        return frame!;
    }
}
