using System.Buffers;
using System.Text;
using FsBitrix.Core.Cdr;
using FsBitrix.Core.Events;
using FsBitrix.Esl.Protocol;
using SharpFuzz;

namespace FsBitrix.Fuzz;

/// <summary>
/// <c>FsBitrix.Fuzz esl|cdr</c> under afl-fuzz (fuzz.sh): one input per run from stdin. <c>FsBitrix.Fuzz esl|cdr FILE</c>
/// runs one input once (a crash found, replayed). Bad input may only end in the reader's own clear error; anything
/// else is a crash.
/// </summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        Action<byte[]>? target = args.FirstOrDefault() switch
        {
            "esl" => Esl,
            "cdr" => Cdr,
            _ => null,
        };
        if (target is null)
        {
            Console.Error.WriteLine("usage: FsBitrix.Fuzz esl|cdr [FILE]");
            return 2;
        }

        if (args.Length > 1)
        {
            target(File.ReadAllBytes(args[1]));
            return 0;
        }

        Fuzzer.OutOfProcess.Run(stream =>
        {
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            target(copy.ToArray());
        });
        return 0;
    }

    // ESL bytes → frames → events → ChannelEvent, as the service reads FreeSWITCH.
    private static void Esl(byte[] input)
    {
        var buffer = new ReadOnlySequence<byte>(input);
        try
        {
            while (EslFrameParser.TryReadFrame(ref buffer, EslParserOptions.Default, out EslFrame? frame, pooled: false))
            {
                if (frame.IsEvent)
                {
                    _ = frame.Event.Headers.Count();
                    _ = ChannelEventFactory.From(frame.Event);
                }
                else
                {
                    _ = frame.ReplyText;
                }
            }
        }
        catch (EslProtocolException)
        {
            // The stream cannot be framed: the connection is dropped with this message, which is the contract.
        }
    }

    // One leg's mod_xml_cdr XML (a file of its log-dir, or a post's body).
    private static void Cdr(byte[] input)
    {
        try
        {
            _ = CdrLegEvents.Read(Encoding.UTF8.GetString(input));
        }
        catch (CdrFormatException)
        {
            // Not a CDR: logged and skipped, which is the contract.
        }
    }
}
