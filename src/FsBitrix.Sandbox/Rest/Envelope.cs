using System.Globalization;
using System.Text.Json.Nodes;

namespace FsBitrix.Sandbox.Rest;

/// <summary>The <c>time</c> object and the success envelope, shaped as in the Bitrix24 docs.</summary>
internal static class Envelope
{
    // Operating time is summed over ten one-minute buckets; the oldest is released ten minutes after it opened.
    private const int OperatingWindowSeconds = 600;

    public static JsonObject Success(MethodResult result, DateTimeOffset started, DateTimeOffset finished, TimeSpan portalOffset)
    {
        var body = new JsonObject { ["result"] = result.Result?.DeepClone() ?? JsonValue.Create(false) };
        if (result.Next is { } next)
        {
            body["next"] = next;
        }

        if (result.Total is { } total)
        {
            body["total"] = total;
        }

        body["time"] = Time(started, finished, portalOffset, withOperating: true);
        return body;
    }

    public static JsonObject Error(string error, string description) => new()
    {
        ["error"] = error,
        ["error_description"] = description,
    };

    public static JsonObject Time(DateTimeOffset started, DateTimeOffset finished, TimeSpan portalOffset, bool withOperating)
    {
        double start = started.ToUnixTimeMilliseconds() / 1000.0;
        double finish = finished.ToUnixTimeMilliseconds() / 1000.0;
        var time = new JsonObject
        {
            ["start"] = start,
            ["finish"] = finish,
            ["duration"] = finish - start,
            ["processing"] = finish - start,
            ["date_start"] = Iso(started, portalOffset),
            ["date_finish"] = Iso(finished, portalOffset),
        };
        if (withOperating)
        {
            time["operating_reset_at"] = started.ToUnixTimeSeconds() + OperatingWindowSeconds;
            time["operating"] = 0;
        }

        return time;
    }

    public static string Iso(DateTimeOffset value, TimeSpan offset) =>
        value.ToOffset(offset).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
}
