using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.IO.Pipelines;
using FsBitrix.Esl.Protocol;

namespace FsBitrix.Benchmarks;

/// <summary>
/// Parse throughput of the ESL framer and event reader on captured FreeSWITCH streams. The bytes go through
/// a real <see cref="Pipe"/> in 64 KiB writes, as socket reads would; for every event the benchmark reads
/// what a call tracker reads first (Event-Name, Unique-ID) and releases the frame, as the client does.
/// </summary>
internal static class ParseBenchmark
{
    private const int ReadSize = 64 * 1024;

    // Keeps the header reads observable so nothing can be optimised away.
    private static long _checksum;

    public static int Run(string[] args)
    {
        double seconds = 10;
        var files = new List<string>();
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--seconds" && i + 1 < args.Length)
            {
                seconds = double.Parse(args[++i], CultureInfo.InvariantCulture);
            }
            else
            {
                files.Add(args[i]);
            }
        }

        if (files.Count == 0)
        {
            Console.Error.WriteLine("usage: parse <file> [<file>...] [--seconds N]");
            return 2;
        }

        byte[] stream = files.SelectMany(File.ReadAllBytes).ToArray();
        Console.WriteLine($"input: {files.Count} file(s), {stream.Length:N0} bytes; {Environment.ProcessorCount} cores, {Environment.Version}");

        (long events, long frames) = ParseOnce(stream);
        Console.WriteLine($"one pass: {frames} frames, {events} events");

        // Warm up so the JIT has settled before anything is measured.
        var warm = Stopwatch.StartNew();
        while (warm.Elapsed.TotalSeconds < Math.Min(2, seconds / 5))
        {
            ParseOnce(stream);
        }

        long totalEvents = 0;
        long totalBytes = 0;
        long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed.TotalSeconds < seconds)
        {
            (long e, _) = ParseOnce(stream);
            totalEvents += e;
            totalBytes += stream.Length;
        }

        clock.Stop();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        double elapsed = clock.Elapsed.TotalSeconds;
        Console.WriteLine($"headers read: checksum {_checksum}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"parse: {totalEvents / elapsed:F0} events/s, {totalBytes / elapsed / 1e6:F1} MB/s, {(double)allocated / totalEvents:F0} B allocated/event"));
        return 0;
    }

    private static (long Events, long Frames) ParseOnce(byte[] stream)
    {
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 0, useSynchronizationContext: false));
        long events = 0;
        long frames = 0;
        int offset = 0;
        while (offset < stream.Length)
        {
            int size = Math.Min(ReadSize, stream.Length - offset);
            pipe.Writer.Write(stream.AsSpan(offset, size));
            offset += size;
            _ = pipe.Writer.FlushAsync().AsTask().GetAwaiter().GetResult();
            pipe.Reader.TryRead(out ReadResult read);
            ReadOnlySequence<byte> buffer = read.Buffer;
            while (EslFrameParser.TryReadFrame(ref buffer, EslParserOptions.Default, out EslFrame? frame))
            {
                using (frame)
                {
                    frames++;
                    if (frame.IsEvent)
                    {
                        events++;
                        _checksum += frame.Event.EventName?.Length ?? 0;
                        _checksum += frame.Event.UniqueId?.Length ?? 0;
                    }
                }
            }

            pipe.Reader.AdvanceTo(buffer.Start, buffer.End);
        }

        pipe.Writer.Complete();
        pipe.Reader.Complete();
        return (events, frames);
    }
}
