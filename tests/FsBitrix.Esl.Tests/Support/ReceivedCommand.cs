using System.Buffers;
using System.IO.Pipelines;
using System.Text;

namespace FsBitrix.Esl.Tests.Support;

/// <summary>A command as the fake FreeSWITCH read it off the socket.</summary>
internal sealed record ReceivedCommand(string Line, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public string? this[string header] => Headers.GetValueOrDefault(header);

    /// <summary>Reads one command the way mod_event_socket does: lines up to a blank line, then content-length bytes.</summary>
    public static async Task<ReceivedCommand?> ReadAsync(PipeReader reader, CancellationToken cancellationToken)
    {
        while (true)
        {
            ReadResult read = await reader.ReadAsync(cancellationToken);
            ReadOnlySequence<byte> buffer = read.Buffer;
            if (TryParse(ref buffer, out ReceivedCommand? command))
            {
                reader.AdvanceTo(buffer.Start);
                return command;
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
            if (read.IsCompleted)
            {
                return null;
            }
        }
    }

    private static bool TryParse(ref ReadOnlySequence<byte> buffer, out ReceivedCommand? command)
    {
        command = null;
        var reader = new SequenceReader<byte>(buffer);
        reader.AdvancePastAny((byte)'\n', (byte)'\r');
        if (!reader.TryReadTo(out ReadOnlySequence<byte> head, "\n\n"u8))
        {
            return false;
        }

        string[] lines = Encoding.UTF8.GetString(head).Split('\n');
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (string line in lines.Skip(1))
        {
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            headers[line[..colon]] = line[(colon + 1)..].TrimStart();
        }

        int length = headers.TryGetValue("content-length", out string? cl) ? int.Parse(cl, System.Globalization.CultureInfo.InvariantCulture) : 0;
        if (reader.Remaining < length)
        {
            return false;
        }

        string body = Encoding.UTF8.GetString(buffer.Slice(reader.Position, length));
        reader.Advance(length);
        buffer = buffer.Slice(reader.Position);
        command = new ReceivedCommand(lines[0], headers, body);
        return true;
    }
}
