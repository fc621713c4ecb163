using FsBitrix.Esl.Protocol;

namespace FsBitrix.Esl.Connection;

/// <summary>
/// The answer to a command: a <c>command/reply</c> (text in <c>Reply-Text</c>) or an <c>api/response</c>
/// (text in the body, which may lack a trailing newline). Owns its strings; safe to keep.
/// </summary>
public sealed class EslReply
{
    private readonly Dictionary<string, string> _headers;

    private EslReply(EslContentType contentType, string text, Dictionary<string, string> headers)
    {
        ContentType = contentType;
        Text = text;
        _headers = headers;
    }

    internal EslContentType ContentType { get; }

    /// <summary><c>Reply-Text</c> of a command reply, or the whole output of an api command.</summary>
    public string Text { get; }

    /// <summary>
    /// FreeSWITCH marks failure with <c>-ERR</c> (or <c>-USAGE</c> for api); success is everything else,
    /// because outputs such as <c>status</c> carry no <c>+OK</c>.
    /// </summary>
    public bool IsSuccess => !Text.StartsWith("-ERR", StringComparison.Ordinal)
        && !Text.StartsWith("-USAGE", StringComparison.Ordinal);

    public string? JobUuid => GetHeader(EslHeaders.JobUuid);

    public string? GetHeader(string name) => _headers.GetValueOrDefault(name);

    internal static EslReply From(EslFrame frame)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (KeyValuePair<string, string> h in frame.Headers)
        {
            headers.TryAdd(h.Key, h.Value);
        }

        string text = frame.ContentType == EslContentType.ApiResponse
            ? frame.BodyText
            : headers.GetValueOrDefault(EslHeaders.ReplyText) ?? string.Empty;
        return new EslReply(frame.ContentType, text, headers);
    }

    public override string ToString() => Text.TrimEnd('\n');
}
