using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace FsBitrix.Esl.Protocol;

/// <summary>
/// Cuts FreeSWITCH's byte stream into frames: a header block up to a blank line, then exactly
/// <c>Content-Length</c> bytes. Works on bytes only (text is decoded after a whole frame is in), so a
/// multi-byte character split across TCP reads cannot shift a boundary.
/// </summary>
internal static class EslFrameParser
{
    private static ReadOnlySpan<byte> HeaderTerminator => "\n\n"u8;

    /// <summary>
    /// Takes one whole frame off the front of <paramref name="buffer"/>. Returns false, consuming at most
    /// leading blank lines, when the frame is not complete yet. With <paramref name="pooled"/> the frame
    /// borrows a pooled buffer and must be disposed.
    /// </summary>
    /// <exception cref="EslProtocolException">The stream cannot be framed: see the message.</exception>
    public static bool TryReadFrame(ref ReadOnlySequence<byte> buffer, EslParserOptions options,
        [NotNullWhen(true)] out EslFrame? frame, bool pooled = true)
    {
        frame = null;
        var reader = new SequenceReader<byte>(buffer);

        // FreeSWITCH itself skips blank lines before a frame; so do we.
        reader.AdvancePastAny((byte)'\n', (byte)'\r');
        buffer = buffer.Slice(reader.Position);
        if (reader.End)
        {
            return false;
        }

        if (!reader.TryReadTo(out ReadOnlySequence<byte> headerBlock, HeaderTerminator, advancePastDelimiter: true))
        {
            if (buffer.Length > options.MaxFrameBytes)
            {
                throw new EslProtocolException(
                    $"no end of frame header within {options.MaxFrameBytes} bytes (limit); the peer is not speaking ESL");
            }

            return false;
        }

        if (headerBlock.Length > options.MaxFrameBytes)
        {
            throw new EslProtocolException(
                $"frame header of {headerBlock.Length} bytes exceeds the {options.MaxFrameBytes}-byte limit");
        }

        byte[]? scratch = null;
        var headers = default(HeaderTable);
        try
        {
            ReadOnlySpan<byte> header = headerBlock.IsSingleSegment
                ? headerBlock.FirstSpan
                : CopyToRented(headerBlock, out scratch);
            HeaderLines.IndexEnvelope(header, ref headers, HeaderValueKind.Raw);
            long bodyLength = ContentLength(header, in headers, options);
            if (reader.Remaining < bodyLength)
            {
                headers.Release();
                return false;
            }

            (EslContentType type, string? unknownType) = ContentType(header, in headers);
            int total = header.Length + 1 + (int)bodyLength;
            byte[] bytes = pooled ? ArrayPool<byte>.Shared.Rent(total) : new byte[total];
            header.CopyTo(bytes);
            bytes[header.Length] = (byte)'\n';
            ReadOnlySequence<byte> body = buffer.Slice(reader.Position, bodyLength);
            body.CopyTo(bytes.AsSpan(header.Length + 1));

            frame = new EslFrame(bytes, header.Length, (int)bodyLength, pooled, headers, type, unknownType);
            buffer = buffer.Slice(body.End);
            return true;
        }
        catch
        {
            headers.Release();
            throw;
        }
        finally
        {
            if (scratch is not null)
            {
                ArrayPool<byte>.Shared.Return(scratch);
            }
        }
    }

    private static long ContentLength(ReadOnlySpan<byte> header, in HeaderTable headers, EslParserOptions options)
    {
        int i = headers.IndexOf(header, EslHeaders.ContentLength);
        if (i < 0)
        {
            return 0;
        }

        ReadOnlySpan<byte> raw = headers.RawValueAt(header, i);
        long length = HeaderLines.ParseLength(raw);
        if (length < 0)
        {
            throw new EslProtocolException($"bad Content-Length \"{HeaderLines.Printable(raw)}\"");
        }

        if (length > options.MaxFrameBytes)
        {
            throw new EslProtocolException($"Content-Length {length} exceeds the {options.MaxFrameBytes}-byte limit");
        }

        return length;
    }

    private static (EslContentType, string?) ContentType(ReadOnlySpan<byte> header, in HeaderTable headers)
    {
        int i = headers.IndexOf(header, EslHeaders.ContentType);
        if (i < 0)
        {
            return (EslContentType.Unknown, "(none)");
        }

        ReadOnlySpan<byte> raw = headers.RawValueAt(header, i);
        EslContentType type = EslContentTypes.Parse(raw);
        return (type, type == EslContentType.Unknown ? Encoding.UTF8.GetString(raw) : null);
    }

    private static ReadOnlySpan<byte> CopyToRented(ReadOnlySequence<byte> sequence, out byte[] rented)
    {
        rented = ArrayPool<byte>.Shared.Rent((int)sequence.Length);
        sequence.CopyTo(rented);
        return rented.AsSpan(0, (int)sequence.Length);
    }
}
