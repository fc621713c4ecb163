namespace FsBitrix.Esl.Protocol;

/// <summary>
/// The byte stream cannot be framed any further (garbage header, bad or oversize Content-Length,
/// a frame cut by the end of the stream). The connection must end: no later frame boundary can be trusted.
/// </summary>
public sealed class EslProtocolException : Exception
{
    public EslProtocolException(string message) : base(message) { }
    public EslProtocolException(string message, Exception inner) : base(message, inner) { }
    public EslProtocolException() { }
}
