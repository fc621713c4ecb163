using System.Text.Json;
using FsBitrix.Bitrix24.Json;

namespace FsBitrix.Bitrix24.Batch;


/// <summary>
/// Answer of <c>batch</c>. Results are cloned out of the response so they outlive it; read them with
/// the same tolerance as any Bitrix24 JSON (IDs as strings, empty maps as <c>[]</c>).
/// </summary>
public sealed partial record BatchResult(
    IReadOnlyDictionary<string, JsonElement> Results,
    IReadOnlyDictionary<string, BatchError> Errors,
    IReadOnlyDictionary<string, long> Totals,
    IReadOnlyDictionary<string, long> Next)
{
    internal static BatchResult Read(JsonElement result) => new(
        JsonRead.Property(result, "result") is { } r ? JsonRead.Members(r).ToDictionary(p => p.Name, p => p.Value.Clone()) : [],
        JsonRead.Property(result, "result_error") is { } e
            ? JsonRead.Members(e).ToDictionary(p => p.Name, p => new BatchError(JsonRead.String(p.Value, "error") ?? string.Empty, JsonRead.String(p.Value, "error_description") ?? string.Empty))
            : [],
        ReadLongs(result, "result_total"),
        ReadLongs(result, "result_next"));

    private static Dictionary<string, long> ReadLongs(JsonElement result, string name) =>
        JsonRead.Property(result, name) is { } map
            ? JsonRead.Members(map).Where(p => JsonRead.AsLong(p.Value).HasValue).ToDictionary(p => p.Name, p => JsonRead.AsLong(p.Value)!.Value)
            : [];
}
