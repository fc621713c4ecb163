using System.Text;

namespace FsBitrix.Simulator.Wire;

/// <summary>
/// FreeSWITCH's <c>switch_url_encode</c> as applied to plain event values: every byte below space or above
/// <c>~</c>, and the bytes of <c>SWITCH_URL_UNSAFE</c>, become <c>%XX</c> (so <c>+</c> is <c>%2B</c>, never a space);
/// an existing <c>%XX</c> is left alone because FreeSWITCH does not double-encode.
/// </summary>
internal static class FsUrlEncoding
{
    private const string Unsafe = "\r\n #%&+:;<=>?@[\\]^`{|}\"";
    private const string Hex = "0123456789ABCDEF";

    public static string Encode(string value)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(value);
        var sb = new StringBuilder(bytes.Length + 16);
        for (int i = 0; i < bytes.Length; i++)
        {
            byte b = bytes[i];
            bool keptPercent = b == '%' && i + 2 < bytes.Length && IsHex(bytes[i + 1]) && IsHex(bytes[i + 2]);
            if (!keptPercent && (b < ' ' || b > '~' || Unsafe.Contains((char)b, StringComparison.Ordinal)))
            {
                sb.Append('%').Append(Hex[b >> 4]).Append(Hex[b & 0xF]);
            }
            else
            {
                sb.Append((char)b);
            }
        }

        return sb.ToString();
    }

    private static bool IsHex(byte b) => Hex.Contains((char)b, StringComparison.Ordinal);
}
