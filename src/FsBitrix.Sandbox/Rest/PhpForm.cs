using System.Text.Json.Nodes;

namespace FsBitrix.Sandbox.Rest;

/// <summary>
/// PHP's reading of form and query keys: <c>FILTER[UF_PHONE_INNER]=1001</c>, <c>USER_ID[0]=2</c>,
/// <c>USER_ID[]=3</c> build nested maps, exactly as <c>$_POST</c> would hold them.
/// </summary>
internal static class PhpForm
{
    public static void Add(JsonObject root, string key, string value)
    {
        int bracket = key.IndexOf('[', StringComparison.Ordinal);
        if (bracket <= 0 || !key.EndsWith(']'))
        {
            root[key] = JsonValue.Create(value);
            return;
        }

        List<string> path = [key[..bracket]];
        string rest = key[bracket..];
        while (rest.Length > 0 && rest[0] == '[')
        {
            int close = rest.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                break;
            }

            path.Add(rest[1..close]);
            rest = rest[(close + 1)..];
        }

        JsonObject current = root;
        for (int i = 0; i < path.Count - 1; i++)
        {
            string segment = path[i].Length == 0 ? NextIndex(current) : path[i];
            if (current[segment] is not JsonObject child)
            {
                child = [];
                current[segment] = child;
            }

            current = child;
        }

        string last = path[^1].Length == 0 ? NextIndex(current) : path[^1];
        current[last] = JsonValue.Create(value);
    }

    /// <summary>Parses <c>a=1&amp;b[0]=2</c> (the query part of a batch command) into <paramref name="root"/>.</summary>
    public static void AddQuery(JsonObject root, string query)
    {
        foreach (string pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = pair.IndexOf('=', StringComparison.Ordinal);
            string key = Decode(eq < 0 ? pair : pair[..eq]);
            string value = eq < 0 ? string.Empty : Decode(pair[(eq + 1)..]);
            if (key.Length > 0)
            {
                Add(root, key, value);
            }
        }
    }

    private static string Decode(string text) => Uri.UnescapeDataString(text.Replace('+', ' '));

    private static string NextIndex(JsonObject map)
    {
        long next = 0;
        foreach (KeyValuePair<string, JsonNode?> item in map)
        {
            if (long.TryParse(item.Key, out long n) && n >= next)
            {
                next = n + 1;
            }
        }

        return next.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
