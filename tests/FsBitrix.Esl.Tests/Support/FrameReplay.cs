using System.Buffers;
using System.IO.Pipelines;
using FsBitrix.Esl.Protocol;

namespace FsBitrix.Esl.Tests.Support;

/// <summary>Feeds bytes to the parser the way a socket would: in chunks of chosen sizes.</summary>
internal static class FrameReplay
{
    /// <summary>Parses <paramref name="bytes"/> delivered in chunks through a real Pipe; returns owned frames.</summary>
    public static List<EslFrame> Parse(byte[] bytes, Func<int, int> nextChunk, EslParserOptions? options = null)
    {
        options ??= EslParserOptions.Default;
        var frames = new List<EslFrame>();
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 0, minimumSegmentSize: 512));
        int fed = 0;
        long leftover = 0;
        while (fed < bytes.Length)
        {
            int size = Math.Min(Math.Max(1, nextChunk(fed)), bytes.Length - fed);
            pipe.Writer.Write(bytes.AsSpan(fed, size));
            fed += size;
            _ = pipe.Writer.FlushAsync().AsTask().GetAwaiter().GetResult();
            if (!pipe.Reader.TryRead(out ReadResult read))
            {
                continue;
            }

            ReadOnlySequence<byte> seq = read.Buffer;
            while (EslFrameParser.TryReadFrame(ref seq, options, out EslFrame? frame, pooled: false))
            {
                frames.Add(frame);
            }

            leftover = IsBlank(seq) ? 0 : seq.Length;
            pipe.Reader.AdvanceTo(seq.Start, seq.End);
        }

        if (leftover > 0)
        {
            throw new EslProtocolException($"stream ended inside a frame ({leftover} bytes pending)");
        }

        return frames;
    }

    public static List<EslFrame> Whole(byte[] bytes) => Parse(bytes, _ => bytes.Length);

    public static List<EslFrame> ByteByByte(byte[] bytes) => Parse(bytes, _ => 1);

    public static List<EslFrame> Random(byte[] bytes, int seed)
    {
        var random = new Random(seed);
        return Parse(bytes, _ => random.Next(1, 4096));
    }

    private static bool IsBlank(ReadOnlySequence<byte> seq)
    {
        foreach (ReadOnlyMemory<byte> m in seq)
        {
            foreach (byte b in m.Span)
            {
                if (b is not ((byte)'\n' or (byte)'\r'))
                {
                    return false;
                }
            }
        }

        return true;
    }
}
