using System.Text;
using System.Text.RegularExpressions;
using FsBitrix.Tests.Support;

namespace FsBitrix.Tests.Queues;

/// <summary>
/// The frames of a capture as text (headers, body), re-framed on the way out with UUIDs swapped through a map
/// (unknown ones get fresh values) so Content-Length stays right whatever the edits.
/// </summary>
internal sealed partial class CapturedFrames
{
    private CapturedFrames(List<(string Headers, string Body)> frames) => Frames = frames;

    public List<(string Headers, string Body)> Frames { get; }

    public static CapturedFrames Load(string scenarioFile)
    {
        byte[] bytes = Fixtures.Bytes("scenarios/" + scenarioFile);
        var frames = new List<(string, string)>();
        int at = 0;
        while (at < bytes.Length)
        {
            int end = bytes.AsSpan(at).IndexOf("\n\n"u8);
            if (end < 0)
            {
                break;
            }

            string headers = Encoding.UTF8.GetString(bytes, at, end);
            at += end + 2;
            int length = LengthOf(headers);
            frames.Add((headers, Encoding.UTF8.GetString(bytes, at, length)));
            at += length;
        }

        return new CapturedFrames(frames);
    }

    /// <summary>Event bodies (inbound captures): the events of the given legs, or all.</summary>
    public IEnumerable<string> Events(params string[] legs) => Frames
        .Where(f => f.Headers.Contains("text/event-plain", StringComparison.Ordinal))
        .Select(f => f.Body)
        .Where(b => legs.Length == 0 || legs.Contains(Header(b, "Unique-ID")));

    /// <summary>An event as FreeSWITCH frames it, after the UUID swap and <paramref name="edit"/>.</summary>
    public static byte[] Event(string body, Dictionary<string, string> uuids, Func<string, string>? edit = null)
    {
        string text = Swap(edit is null ? body : edit(body), uuids);
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        return [.. Encoding.ASCII.GetBytes($"Content-Length: {bytes.Length}\nContent-Type: text/event-plain\n\n"), .. bytes];
    }

    /// <summary>Any frame (replies, notices, events) re-framed after the UUID swap.</summary>
    public static byte[] Frame((string Headers, string Body) frame, Dictionary<string, string> uuids)
    {
        byte[] body = Encoding.UTF8.GetBytes(Swap(frame.Body, uuids));
        string headers = string.Join('\n', Swap(frame.Headers, uuids).Split('\n').Where(l => !l.StartsWith("Content-Length:", StringComparison.Ordinal)));
        headers += body.Length > 0 ? $"\nContent-Length: {body.Length}" : string.Empty;
        return [.. Encoding.UTF8.GetBytes(headers + "\n\n"), .. body];
    }

    public static string? Header(string text, string name)
    {
        Match m = Regex.Match(text, "^" + Regex.Escape(name) + ": (.*)$", RegexOptions.Multiline);
        return m.Success ? m.Groups[1].Value : null;
    }

    public static string Swap(string text, Dictionary<string, string> uuids) =>
        UuidPattern().Replace(text, m =>
        {
            if (!uuids.TryGetValue(m.Value, out string? fresh))
            {
                fresh = Guid.NewGuid().ToString();
                uuids[m.Value] = fresh;
            }

            return fresh;
        });

    private static int LengthOf(string headers) =>
        Header(headers, "Content-Length") is { } length ? int.Parse(length, System.Globalization.CultureInfo.InvariantCulture) : 0;

    [GeneratedRegex("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")]
    private static partial Regex UuidPattern();
}
