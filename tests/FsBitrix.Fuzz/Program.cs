using System.Buffers;
using System.Text;
using FsBitrix.AppMode;
using FsBitrix.ClickToCall;
using FsBitrix.Core.Cdr;
using FsBitrix.Core.Events;
using FsBitrix.Esl.Protocol;
using SharpFuzz;

namespace FsBitrix.Fuzz;

/// <summary>
/// <c>FsBitrix.Fuzz esl|cdr|events|install</c> under afl-fuzz (fuzz.sh): one input per run from stdin. <c>FsBitrix.Fuzz TARGET FILE</c>
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
            "events" => Events,
            "install" => Install,
            _ => null,
        };
        if (target is null)
        {
            Console.Error.WriteLine("usage: FsBitrix.Fuzz esl|cdr|events|install [FILE]");
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

    // A body POSTed to the events endpoint (OnExternalCallStart/OnExternalCallBackStart), read as the endpoint reads it.
    // The first byte picks the Content-Type (even: the form Bitrix24 sends; odd: the documented JSON rendering).
    private static void Events(byte[] input)
    {
        if (Fields(input) is { } fields)
        {
            _ = BitrixCallEvent.TryRead(fields, out BitrixCallEvent? e, out _);
            _ = e?.DeliveryKey;
        }
    }

    // A body POSTed to the install endpoint (ONAPPINSTALL or the install page's POST); its query is read from the
    // same fields, so DOMAIN and PROTOCOL are fuzzed too.
    private static void Install(byte[] input)
    {
        if (Fields(input) is { } fields)
        {
            _ = InstallCall.TryRead(fields, fields, out InstallCall? call, out _);
            _ = call?.ToString();
        }
    }

    // Refusing the body with a reason is the contract (the endpoint answers 400); only an exception is a crash.
    private static Dictionary<string, string>? Fields(byte[] input)
    {
        if (input.Length == 0)
        {
            return null;
        }

        string type = (input[0] & 1) == 0 ? "application/x-www-form-urlencoded" : "application/json; charset=utf-8";
        return EventFields.TryParse(type, input.AsSpan(1), out Dictionary<string, string> fields, out _) ? fields : null;
    }
}
