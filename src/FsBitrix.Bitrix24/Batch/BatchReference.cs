using System.Text.RegularExpressions;

namespace FsBitrix.Bitrix24.Batch;

/// <summary>
/// A parameter of a <c>batch</c> command taken from an earlier command's answer in the same batch:
/// <c>$result[Key][Field]</c>. The portal fills it in before the command runs (an earlier command that failed leaves it
/// empty, and the later one fails too). Written as is, not URL-encoded, the form Bitrix24's own examples use.
/// </summary>
public sealed partial record BatchReference
{
    public BatchReference(string key, string field)
    {
        if (!SafeName().IsMatch(key ?? string.Empty) || !SafeName().IsMatch(field ?? string.Empty))
        {
            throw new ArgumentException($"A batch reference is built of letters, digits and '_' only: '{key}', '{field}'.");
        }

        Key = key!;
        Field = field!;
    }

    public string Key { get; }

    public string Field { get; }

    public override string ToString() => $"$result[{Key}][{Field}]";

    [GeneratedRegex("^[A-Za-z0-9_]+$")]
    private static partial Regex SafeName();
}
