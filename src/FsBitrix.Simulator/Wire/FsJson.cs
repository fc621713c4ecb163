using System.Globalization;
using System.Text;

namespace FsBitrix.Simulator.Wire;

/// <summary>String escaping as cJSON (which FreeSWITCH uses) writes it: quotes, backslash and control characters only.</summary>
internal static class FsJson
{
    public static StringBuilder AppendString(this StringBuilder sb, string value)
    {
        sb.Append('"');
        foreach (char c in value)
        {
            _ = c switch
            {
                '"' => sb.Append("\\\""),
                '\\' => sb.Append("\\\\"),
                '\b' => sb.Append("\\b"),
                '\f' => sb.Append("\\f"),
                '\n' => sb.Append("\\n"),
                '\r' => sb.Append("\\r"),
                '\t' => sb.Append("\\t"),
                < ' ' => sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture)),
                _ => sb.Append(c),
            };
        }

        return sb.Append('"');
    }
}
