using System.Text;

namespace FsBitrix.Logging;

/// <summary>
/// A caller's or callee's phone number is personal data, and logs travel (to a log shipper, to a support ticket): at
/// Information level and above a number is written masked, <c>+7916***4567</c>; whole only at Debug. Extensions and
/// service codes (fewer than seven digits) are no one's personal data and stay as they are.
/// </summary>
internal static class PersonalData
{
    private const int ShortestNumber = 7;

    public static string Mask(string? number)
    {
        if (string.IsNullOrEmpty(number))
        {
            return number ?? string.Empty;
        }

        string digits = new([.. number.Where(char.IsAsciiDigit)]);
        if (digits.Length < ShortestNumber)
        {
            return number;
        }

        // At least three digits hidden; up to four kept at each end (the country and operator code, the line's last four).
        int tail = Math.Min(4, (digits.Length - 3) / 2);
        int head = Math.Min(4, digits.Length - 3 - tail);
        return new StringBuilder(digits.Length + 4)
            .Append(number.TrimStart()[0] == '+' ? "+" : string.Empty)
            .Append(digits, 0, head)
            .Append("***")
            .Append(digits, digits.Length - tail, tail)
            .ToString();
    }
}
