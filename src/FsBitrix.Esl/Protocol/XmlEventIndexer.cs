namespace FsBitrix.Esl.Protocol;

/// <summary>
/// Indexes a <c>text/event-xml</c> body: <c>&lt;event&gt;&lt;headers&gt;&lt;Name&gt;url-encoded&lt;/Name&gt;…</c>,
/// then an optional <c>&lt;Content-Length&gt;</c> and <c>&lt;body&gt;</c>. FreeSWITCH URL-encodes header values, so
/// they hold no XML markup; the body is raw text whose length the inner Content-Length gives.
/// </summary>
internal static class XmlEventIndexer
{
    public static (int BodyStart, int BodyLength) Index(byte[] buffer, int start, int end, ref HeaderTable table)
    {
        ReadOnlySpan<byte> all = buffer.AsSpan(start, end - start);
        int headersOpen = all.IndexOf("<headers>"u8);
        int headersClose = all.IndexOf("</headers>"u8);
        if (headersOpen < 0 || headersClose < headersOpen)
        {
            return (end, 0);
        }

        int pos = headersOpen + "<headers>".Length;
        while (pos < headersClose)
        {
            int open = all[pos..headersClose].IndexOf((byte)'<');
            if (open < 0)
            {
                break;
            }

            int nameStart = pos + open + 1;
            int nameEnd = all[nameStart..headersClose].IndexOf((byte)'>');
            if (nameEnd <= 0)
            {
                break;
            }

            nameEnd += nameStart;
            int valueStart = nameEnd + 1;
            int close = all[valueStart..headersClose].IndexOf("</"u8);
            if (close < 0)
            {
                break;
            }

            int valueEnd = valueStart + close;
            table.Add(start + nameStart, nameEnd - nameStart, start + valueStart, valueEnd - valueStart,
                HeaderValueKind.PercentEncoded);
            int closeEnd = all[valueEnd..headersClose].IndexOf((byte)'>');
            pos = closeEnd < 0 ? headersClose : valueEnd + closeEnd + 1;
        }

        return FindBody(all, start, headersClose);
    }

    private static (int, int) FindBody(ReadOnlySpan<byte> all, int start, int from)
    {
        ReadOnlySpan<byte> tail = all[from..];
        int lengthOpen = tail.IndexOf("<Content-Length>"u8);
        int bodyOpen = tail.IndexOf("<body>"u8);
        if (lengthOpen < 0 || bodyOpen < 0)
        {
            return (start + all.Length, 0);
        }

        ReadOnlySpan<byte> lengthText = tail[(lengthOpen + "<Content-Length>".Length)..];
        int lengthEnd = lengthText.IndexOf((byte)'<');
        long length = lengthEnd < 0 ? -1 : HeaderLines.ParseLength(lengthText[..lengthEnd]);
        int bodyStart = from + bodyOpen + "<body>".Length;
        int available = all.Length - bodyStart;
        int bodyLength = length < 0 ? 0 : (int)Math.Min(length, available);
        return (start + bodyStart, bodyLength);
    }
}
