using System.Text;

namespace FsBitrix.Esl.Connection;

/// <summary>
/// A command as sent to FreeSWITCH: one command line, optional headers, optional body. FreeSWITCH stores
/// command headers verbatim, so a CR or LF inside any part would end the command early and let the rest be
/// read as another command: such input is refused here, and long or multi-line text goes in the body.
/// </summary>
public sealed class EslCommand
{
    private readonly List<KeyValuePair<string, string>> _headers = [];

    public EslCommand(string line)
    {
        RejectLineBreaks(line, "command");
        if (string.IsNullOrWhiteSpace(line))
        {
            throw new ArgumentException("an ESL command cannot be empty", nameof(line));
        }

        Line = line;
    }

    public string Line { get; }

    public IReadOnlyList<KeyValuePair<string, string>> Headers => _headers;

    public ReadOnlyMemory<byte> Body { get; private set; }

    public EslCommand WithHeader(string name, string value)
    {
        RejectLineBreaks(name, "header name");
        RejectLineBreaks(value, $"header '{name}'");
        if (name.Length == 0 || name.Contains(':', StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{name}' is not a valid ESL header name", nameof(name));
        }

        _headers.Add(new(name, value));
        return this;
    }

    /// <summary>A body of any bytes; its <c>content-length</c> header is written for it.</summary>
    public EslCommand WithBody(ReadOnlyMemory<byte> body, string contentType = "text/plain")
    {
        Body = body;
        return WithHeader("content-type", contentType);
    }

    public byte[] ToBytes()
    {
        var text = new StringBuilder(Line.Length + 64);
        text.Append(Line).Append('\n');
        foreach (KeyValuePair<string, string> h in _headers)
        {
            text.Append(h.Key).Append(": ").Append(h.Value).Append('\n');
        }

        if (!Body.IsEmpty)
        {
            text.Append("content-length: ").Append(Body.Length).Append('\n');
        }

        text.Append('\n');
        byte[] head = Encoding.UTF8.GetBytes(text.ToString());
        return Body.IsEmpty ? head : [.. head, .. Body.Span];
    }

    /// <summary>What may be logged: the command word and arguments, never a password.</summary>
    public override string ToString() =>
        Line.StartsWith("auth ", StringComparison.OrdinalIgnoreCase) ? "auth ****"
        : Line.StartsWith("userauth ", StringComparison.OrdinalIgnoreCase) ? "userauth ****"
        : Line;

    private static void RejectLineBreaks(string value, string what)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.AsSpan().IndexOfAny('\r', '\n') >= 0)
        {
            throw new ArgumentException(
                $"the ESL {what} contains a line break, which would inject commands; send multi-line text as a body", what);
        }
    }
}
