using System.Buffers;
using FsBitrix.Esl.Events;

namespace FsBitrix.Esl.Protocol;

/// <summary>
/// Reads a byte-exact capture of what FreeSWITCH sent on an event socket into its frames, with the same parser the
/// clients use: for replaying real traffic in tests, tools and fuzzers without a socket.
/// </summary>
/// <example>
/// Every channel event of a capture, by name:
/// <code>
/// foreach (EslCapturedFrame frame in EslCapture.Read(File.ReadAllBytes("s1_inbound_answered.raw")))
/// {
///     if (frame.Event is { } e)
///     {
///         Console.WriteLine($"{e.Name} {e.UniqueId}");
///     }
/// }
/// </code>
/// </example>
public static class EslCapture
{
    /// <summary>The capture's whole frames in order; a trailing incomplete frame is left out.</summary>
    /// <exception cref="EslProtocolException">A frame FreeSWITCH would never send (the capture is damaged).</exception>
    public static IEnumerable<EslCapturedFrame> Read(ReadOnlyMemory<byte> capture)
    {
        var rest = new ReadOnlySequence<byte>(capture);
        while (EslFrameParser.TryReadFrame(ref rest, EslParserOptions.Default, out EslFrame? frame, pooled: false))
        {
            yield return new EslCapturedFrame(frame);
        }
    }
}

/// <summary>One frame of a capture: its content type as on the wire, its body, and the event it carries, if any.</summary>
public sealed class EslCapturedFrame
{
    private readonly EslFrame _frame;

    internal EslCapturedFrame(EslFrame frame) => _frame = frame;

    /// <summary>As on the wire: <c>text/event-plain</c>, <c>api/response</c>, <c>command/reply</c>…</summary>
    public string ContentType => _frame.ContentTypeText;

    public ReadOnlyMemory<byte> Body => _frame.Body;

    public string BodyText => _frame.BodyText;

    /// <summary>The event of a <c>text/event-*</c> frame; null for replies, api responses and notices.</summary>
    public EslEvent? Event => _frame.IsEvent ? _frame.Event : null;

    /// <summary>The frame's own headers read as an event: what an outbound session's <c>connect</c> reply is.</summary>
    public EslEvent HeaderEvent => _frame.AsHeaderEvent();

    /// <summary>An envelope header (<c>Content-Length</c>, <c>Reply-Text</c>, <c>Job-UUID</c>…), or null.</summary>
    public string? GetHeader(string name) => _frame.GetHeader(name);

    public override string ToString() => _frame.ToString();
}
