namespace FsBitrix.Sandbox;

/// <summary>Phone numbers compared the way the portal does: digits only.</summary>
internal static class Phone
{
    /// <summary>Digits of the number; a Russian trunk prefix 8 of an 11-digit number becomes 7, as CRM search treats them alike.</summary>
    public static string Normalize(string? number)
    {
        if (string.IsNullOrEmpty(number))
        {
            return string.Empty;
        }

        string digits = new([.. number.Where(char.IsAsciiDigit)]);
        return digits.Length == 11 && digits[0] == '8' ? "7" + digits[1..] : digits;
    }

    /// <summary><c>CVoxImplantPhone::stripLetters</c>: what remains after dropping everything but digits, '+', '#' and '*'.</summary>
    public static string StripLetters(string? number) =>
        number is null ? string.Empty : new string([.. number.Where(c => char.IsAsciiDigit(c) || c is '+' or '#' or '*')]);

    public static string International(string number)
    {
        string digits = Normalize(number);
        return digits.Length == 0 ? string.Empty : "+" + digits;
    }
}
