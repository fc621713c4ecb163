using System.Text.Json;

namespace FsBitrix.Core.Reconciliation;

/// <summary>
/// Reads the body of <c>api show registrations as json</c>: <c>{"row_count":N,"rows":[{"reg_user":"1001",
/// "realm":"lab.example",…},…]}</c>, or <c>{"row_count":0}</c>. Which node a phone is registered on says where a
/// click-to-call must ring it; anything unreadable is "not known here", never a guess.
/// </summary>
public static class Registrations
{
    /// <returns>Whether <paramref name="extension"/> (in <paramref name="domain"/>, when given) is registered.</returns>
    public static bool Has(string? apiBody, string extension, string? domain)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(extension);
        if (string.IsNullOrWhiteSpace(apiBody) || !apiBody.TrimStart().StartsWith('{'))
        {
            return false;
        }

        try
        {
            using var doc = JsonDocument.Parse(apiBody);
            if (!doc.RootElement.TryGetProperty("rows", out JsonElement rows) || rows.ValueKind != JsonValueKind.Array)
            {
                return false;
            }

            foreach (JsonElement row in rows.EnumerateArray())
            {
                if (row.ValueKind == JsonValueKind.Object
                    && Text(row, "reg_user") == extension
                    && (domain is null || string.Equals(Text(row, "realm"), domain, StringComparison.OrdinalIgnoreCase)))
                {
                    return true;
                }
            }
        }
        catch (JsonException)
        {
        }

        return false;
    }

    private static string? Text(JsonElement row, string name) =>
        row.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
