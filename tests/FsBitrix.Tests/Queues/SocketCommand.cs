using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using System.Text.RegularExpressions;

namespace FsBitrix.Tests.Queues;

/// <summary>One command the service sent on the socket-app connection: its line, headers and body.</summary>
internal sealed record SocketCommand(string Line, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public string? App => Headers.GetValueOrDefault("execute-app-name");

    public string Argument => Headers.GetValueOrDefault("execute-app-arg") ?? Body;

    public string? EventUuid => Headers.GetValueOrDefault("Event-UUID");

    public bool IsExecute(string app) => Line == "sendmsg" && Headers.GetValueOrDefault("call-command") == "execute" && App == app;

    /// <summary>The legs of a bridge: extension → the origination_uuid the service chose for it.</summary>
    public IReadOnlyDictionary<string, string> Legs => Regex.Matches(Argument, @"origination_uuid=([0-9a-f-]{36})[^\]]*\]user/([^,|]+)")
        .ToDictionary(m => m.Groups[2].Value, m => m.Groups[1].Value);

    public static async Task<SocketCommand?> ReadAsync(PipeReader reader)
    {
        while (true)
        {
            ReadResult read = await reader.ReadAsync();
            ReadOnlySequence<byte> buffer = read.Buffer;
            var seq = new SequenceReader<byte>(buffer);
            if (seq.TryReadTo(out ReadOnlySequence<byte> head, "\n\n"u8))
            {
                string[] lines = Encoding.UTF8.GetString(head).Split('\n');
                var headers = lines.Skip(1).Select(l => l.Split(": ", 2)).Where(p => p.Length == 2)
                    .ToDictionary(p => p[0], p => p[1], StringComparer.OrdinalIgnoreCase);
                int length = headers.TryGetValue("Content-Length", out string? l) ? int.Parse(l, System.Globalization.CultureInfo.InvariantCulture) : 0;
                if (seq.Remaining >= length)
                {
                    string body = Encoding.UTF8.GetString(seq.UnreadSequence.Slice(0, length));
                    reader.AdvanceTo(buffer.GetPosition(length, seq.Position));
                    return new SocketCommand(lines[0], headers, body);
                }
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
            if (read.IsCompleted)
            {
                return null;
            }
        }
    }
}
