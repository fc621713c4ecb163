namespace FsBitrix.Simulator.Wire;

/// <summary>A command as FreeSWITCH reads it: the first line, <c>Name: value</c> headers (verbatim, not decoded), a body.</summary>
public sealed record ClientCommand(string Line, IReadOnlyList<KeyValuePair<string, string>> Headers, string Body)
{
    public string? Header(string name) =>
        Headers.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value;

    /// <summary>The command word (FreeSWITCH matches it case-insensitively) and the rest of the line.</summary>
    public (string Word, string Args) Split()
    {
        int space = Line.IndexOf(' ', StringComparison.Ordinal);
        return space < 0 ? (Line.ToLowerInvariant(), string.Empty) : (Line[..space].ToLowerInvariant(), Line[(space + 1)..].Trim());
    }
}
