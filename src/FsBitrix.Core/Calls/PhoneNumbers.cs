namespace FsBitrix.Core.Calls;

/// <summary>Tells extensions from clients' numbers by length, as the PBX's numbering plan does.</summary>
public static class PhoneNumbers
{
    public static bool IsExtension(string? number, CallSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (string.IsNullOrEmpty(number))
        {
            return false;
        }

        int digits = 0;
        foreach (char c in number)
        {
            if (char.IsAsciiDigit(c))
            {
                digits++;
            }
        }

        return digits > 0 && digits < settings.ExternalNumberMinLength;
    }

    public static bool IsExternal(string? number, CallSettings settings) =>
        !string.IsNullOrEmpty(number) && !IsExtension(number, settings);
}
