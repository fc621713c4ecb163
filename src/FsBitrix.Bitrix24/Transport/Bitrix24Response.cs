using System.Text.Json;
using FsBitrix.Bitrix24.Json;

namespace FsBitrix.Bitrix24.Transport;

/// <summary>
/// A successful envelope <c>{"result": …, "total", "next", "time": {…}}</c>. Valid only while the mapping
/// callback runs: it borrows the parsed document, which is returned to the pool afterwards.
/// </summary>
public readonly struct Bitrix24Response
{
    internal Bitrix24Response(JsonElement root)
    {
        Result = root.TryGetProperty("result", out JsonElement result) ? result : default;
        Total = JsonRead.Long(root, "total");
        Next = JsonRead.Long(root, "next");
        OperatingResetAt = JsonRead.Property(root, "time") is { } time && JsonRead.Double(time, "operating_reset_at") is { } reset
            ? DateTimeOffset.FromUnixTimeMilliseconds((long)(reset * 1000))
            : null;
    }

    public JsonElement Result { get; }

    /// <summary>List methods: total number of items matching the filter.</summary>
    public long? Total { get; }

    /// <summary>List methods: the <c>start</c> of the next page, absent on the last page.</summary>
    public long? Next { get; }

    /// <summary><c>time.operating_reset_at</c>: when this method's oldest operating-time bucket is released.</summary>
    public DateTimeOffset? OperatingResetAt { get; }
}
