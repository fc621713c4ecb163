using System.Text.Json;

namespace FsBitrix.Core.Reconciliation;

/// <summary>
/// Reads the body of <c>api show channels as json</c>: <c>{"row_count":N,"rows":[{"uuid":…},…]}</c>, or
/// <c>{"row_count": 0}</c> without rows when nothing is up. Strict on purpose: an answer misread as "no channels"
/// would finish every call in progress, so anything else (an <c>-ERR</c>, a cut body, a count that does not
/// match the rows) is refused and the caller asks again.
/// </summary>
public static class LiveChannels
{
    // Channel-Call-State values of a channel that has been answered (switch_channel.c's callstate names): on hold and
    // taken off hold count, as the call was answered before either.
    private static readonly HashSet<string> AnsweredCallStates = new(StringComparer.Ordinal) { "ACTIVE", "HELD", "UNHELD" };

    public static bool TryParse(string? apiBody, out IReadOnlySet<string> uuids) => TryParse(apiBody, out uuids, out _);

    /// <param name="answered">The live channels whose <c>callstate</c> says they were answered: an answer that happened
    /// while no events were received is known from here before any later event of the leg says so.</param>
    public static bool TryParse(string? apiBody, out IReadOnlySet<string> uuids, out IReadOnlySet<string> answered)
    {
        var found = new HashSet<string>(StringComparer.Ordinal);
        var up = new HashSet<string>(StringComparer.Ordinal);
        uuids = found;
        answered = up;
        if (string.IsNullOrWhiteSpace(apiBody) || !apiBody.TrimStart().StartsWith('{'))
        {
            return false;
        }

        try
        {
            using var doc = JsonDocument.Parse(apiBody);
            if (TryRead(doc.RootElement, found, up))
            {
                return true;
            }
        }
        catch (JsonException)
        {
        }

        found.Clear();
        up.Clear();
        return false;
    }

    private static bool TryRead(JsonElement root, HashSet<string> uuids, HashSet<string> answered)
    {
        if (root.ValueKind != JsonValueKind.Object
            || !root.TryGetProperty("row_count", out JsonElement count) || count.ValueKind != JsonValueKind.Number
            || !count.TryGetInt32(out int rowCount))
        {
            return false;
        }

        if (!root.TryGetProperty("rows", out JsonElement rows))
        {
            return rowCount == 0;
        }

        if (rows.ValueKind != JsonValueKind.Array || rows.GetArrayLength() != rowCount)
        {
            return false;
        }

        foreach (JsonElement row in rows.EnumerateArray())
        {
            if (row.ValueKind != JsonValueKind.Object || !row.TryGetProperty("uuid", out JsonElement uuid)
                || uuid.ValueKind != JsonValueKind.String || uuid.GetString() is not { Length: > 0 } id)
            {
                return false;
            }

            uuids.Add(id);
            if (row.TryGetProperty("callstate", out JsonElement callstate) && callstate.ValueKind == JsonValueKind.String
                && AnsweredCallStates.Contains(callstate.GetString()!))
            {
                answered.Add(id);
            }
        }

        return true;
    }
}
