namespace FsBitrix.Esl.Protocol;

/// <summary>Indexes blocks of <c>Name: value\n</c> lines, the shape of frame envelopes and plain events.</summary>
internal static class HeaderLines
{
    /// <summary>
    /// Indexes an outer frame's header block, which must be well formed: a line that is not
    /// <c>Name: value</c> means the stream is not ESL (or is out of step), and no later boundary can be trusted.
    /// </summary>
    public static void IndexEnvelope(ReadOnlySpan<byte> block, ref HeaderTable table, HeaderValueKind kind)
    {
        int pos = 0;
        while (pos < block.Length)
        {
            ReadOnlySpan<byte> rest = block[pos..];
            int nl = rest.IndexOf((byte)'\n');
            ReadOnlySpan<byte> line = nl < 0 ? rest : rest[..nl];
            int lineLength = line.Length;
            if (line.Length > 0 && line[^1] == (byte)'\r')
            {
                line = line[..^1];
            }

            int colon = line.IndexOf((byte)':');
            if (colon <= 0 || !IsHeaderName(line[..colon]))
            {
                throw new EslProtocolException(
                    $"garbage in a frame header at byte {pos}: \"{Printable(line)}\" is not a 'Name: value' line");
            }

            AddLine(ref table, pos, line, colon, kind);
            pos += lineLength + 1;
        }
    }

    /// <summary>
    /// Indexes a plain event's headers, leniently: a line without a colon is skipped. Returns the event's own
    /// body (after an inner <c>Content-Length</c> and a blank line) as offsets into <paramref name="buffer"/>.
    /// </summary>
    public static (int BodyStart, int BodyLength) IndexPlainEvent(
        byte[] buffer, int start, int end, ref HeaderTable table)
    {
        int pos = start;
        long contentLength = -1;
        while (pos < end)
        {
            ReadOnlySpan<byte> rest = buffer.AsSpan(pos, end - pos);
            int nl = rest.IndexOf((byte)'\n');
            ReadOnlySpan<byte> line = nl < 0 ? rest : rest[..nl];
            int next = nl < 0 ? end : pos + nl + 1;
            if (line.Length > 0 && line[^1] == (byte)'\r')
            {
                line = line[..^1];
            }

            if (line.IsEmpty)
            {
                if (contentLength >= 0)
                {
                    return (next, (int)Math.Min(contentLength, end - next));
                }

                pos = next;
                continue;
            }

            int colon = line.IndexOf((byte)':');
            if (colon > 0)
            {
                AddLine(ref table, pos, line, colon, HeaderValueKind.PercentEncoded);
                if (colon == 14 && line[..colon].SequenceEqual("Content-Length"u8))
                {
                    contentLength = ParseLength(line[(colon + 1)..]);
                }
            }

            pos = next;
        }

        return (end, 0);
    }

    private static void AddLine(ref HeaderTable table, int lineStart, ReadOnlySpan<byte> line, int colon, HeaderValueKind kind)
    {
        int valueStart = colon + 1;
        if (valueStart < line.Length && line[valueStart] == (byte)' ')
        {
            valueStart++;
        }

        table.Add(lineStart, colon, lineStart + valueStart, line.Length - valueStart, kind);
    }

    internal static long ParseLength(ReadOnlySpan<byte> value)
    {
        value = value.Trim((byte)' ');
        if (value.IsEmpty || value.Length > 10)
        {
            return -1;
        }

        long n = 0;
        foreach (byte b in value)
        {
            if (b is < (byte)'0' or > (byte)'9')
            {
                return -1;
            }

            n = (n * 10) + (b - '0');
        }

        return n;
    }

    private static bool IsHeaderName(ReadOnlySpan<byte> name)
    {
        foreach (byte b in name)
        {
            if (b is <= (byte)' ' or >= 0x7F)
            {
                return false;
            }
        }

        return true;
    }

    internal static string Printable(ReadOnlySpan<byte> bytes)
    {
        ReadOnlySpan<byte> shown = bytes.Length > 60 ? bytes[..60] : bytes;
        var chars = new char[shown.Length];
        for (int i = 0; i < shown.Length; i++)
        {
            chars[i] = shown[i] is >= 0x20 and < 0x7F ? (char)shown[i] : '?';
        }

        return new string(chars) + (bytes.Length > 60 ? "..." : string.Empty);
    }
}
