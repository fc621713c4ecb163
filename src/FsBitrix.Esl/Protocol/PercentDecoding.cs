using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace FsBitrix.Esl.Protocol;

/// <summary>
/// Decodes FreeSWITCH's URL-encoded header values (plain events, the outbound connect reply).
/// FreeSWITCH encodes '+' as %2B, so '+' stays '+'. Decoding is lenient: a malformed % sequence is kept
/// as written, and a value whose decoded bytes are not UTF-8 comes back undecoded, so nothing is lost.
/// </summary>
internal static class PercentDecoding
{
    private const int StackLimit = 512;

    public static string Decode(ReadOnlySpan<byte> raw)
    {
        if (raw.IndexOf((byte)'%') < 0)
        {
            return Encoding.UTF8.GetString(raw);
        }

        byte[]? rented = null;
        Span<byte> decoded = raw.Length <= StackLimit
            ? stackalloc byte[StackLimit]
            : (rented = ArrayPool<byte>.Shared.Rent(raw.Length));
        try
        {
            int length = DecodeInto(raw, decoded);
            ReadOnlySpan<byte> bytes = decoded[..length];
            return Utf8.IsValid(bytes) ? Encoding.UTF8.GetString(bytes) : Encoding.UTF8.GetString(raw);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private static int DecodeInto(ReadOnlySpan<byte> raw, Span<byte> output)
    {
        int written = 0;
        for (int i = 0; i < raw.Length; i++)
        {
            byte b = raw[i];
            if (b == (byte)'%' && i + 2 < raw.Length
                && HexValue(raw[i + 1]) is int hi and >= 0 && HexValue(raw[i + 2]) is int lo and >= 0)
            {
                output[written++] = (byte)((hi << 4) | lo);
                i += 2;
            }
            else
            {
                output[written++] = b;
            }
        }

        return written;
    }

    private static int HexValue(byte c) => c switch
    {
        >= (byte)'0' and <= (byte)'9' => c - '0',
        >= (byte)'a' and <= (byte)'f' => c - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => c - 'A' + 10,
        _ => -1,
    };
}
