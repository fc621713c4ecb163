using System.Net.Http;
using System.Text;
using RestSharp;

namespace FsBitrix.Bitrix24.Transport;

/// <summary>
/// Takes a Bitrix24 answer as the bytes HttpClient already holds. RestSharp's own reader copies them through a growing
/// stream, then decodes them into a string with a fresh reader: a few kilobytes of garbage for an answer of a few
/// hundred bytes, on every request. Only what the transport reads is filled in: status, content type, bytes.
/// </summary>
internal static class BufferedAnswer
{
    /// <summary>How much of a non-JSON answer is decoded to look for its title.</summary>
    private const int TextLimit = 64 * 1024;

    public static RestResponse Read(HttpResponseMessage message, RestRequest request)
    {
        // ResponseContentRead: the content is already in memory, so this read does no I/O.
        using Stream stream = message.Content.ReadAsStream();
        byte[] bytes = stream.CanSeek ? ReadKnownLength(stream) : ReadToEnd(stream);
        return new RestResponse(request)
        {
            StatusCode = message.StatusCode,
            ContentType = message.Content.Headers.ContentType?.MediaType,
            RawBytes = bytes,
            ResponseStatus = ResponseStatus.Completed,
        };
    }

    /// <summary>The start of the answer as text (UTF-8; Bitrix24 and its proxies' error pages are ASCII or UTF-8).</summary>
    public static string? Text(RestResponse response) =>
        response.RawBytes is { Length: > 0 } bytes ? Encoding.UTF8.GetString(bytes, 0, Math.Min(bytes.Length, TextLimit)) : null;

    private static byte[] ReadKnownLength(Stream stream)
    {
        var bytes = new byte[stream.Length - stream.Position];
        stream.ReadExactly(bytes);
        return bytes;
    }

    private static byte[] ReadToEnd(Stream stream)
    {
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
