using System.Globalization;
using System.Text.Json.Nodes;

namespace FsBitrix.Sandbox.Rest;

/// <summary>The <c>time</c> object and the success envelope, shaped as in the Bitrix24 docs.</summary>
internal static class Envelope
{
    // Operating time is summed over ten one-minute buckets; the oldest is released ten minutes after it opened.
    private const int OperatingWindowSeconds = 600;

    public static JsonObject Success(MethodResult result, DateTimeOffset started, DateTimeOffset finished, TimeSpan portalOffset,
        (double Cost, double Operating, DateTimeOffset ResetAt)? operating = null)
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

        body["time"] = Time(started, finished, portalOffset, withOperating: true, operating);
        return body;
    }

    public static JsonObject Error(string error, string description) => new()
    {
        ["error"] = error,
        ["error_description"] = description,
    };

    /// <param name="operating">What the operating limit counted for this run (its cost is then the run's duration).</param>
    public static JsonObject Time(DateTimeOffset started, DateTimeOffset finished, TimeSpan portalOffset, bool withOperating,
        (double Cost, double Operating, DateTimeOffset ResetAt)? operating = null)
    {
        double start = started.ToUnixTimeMilliseconds() / 1000.0;
        double finish = operating is { Cost: > 0 } o ? start + o.Cost : finished.ToUnixTimeMilliseconds() / 1000.0;
        var time = new JsonObject
        {
            ["start"] = start,
            ["finish"] = finish,
            ["duration"] = finish - start,
            ["processing"] = finish - start,
            ["date_start"] = Iso(started, portalOffset),
            ["date_finish"] = Iso(finished, portalOffset),
        };
        if (operating is { } counted)
        {
            time["operating_reset_at"] = counted.ResetAt.ToUnixTimeSeconds();
            time["operating"] = counted.Operating;
        }
        else if (withOperating)
        {
            time["operating_reset_at"] = started.ToUnixTimeSeconds() + OperatingWindowSeconds;
            time["operating"] = 0;
        }

        return time;
    }

    public static string Iso(DateTimeOffset value, TimeSpan offset) =>
        value.ToOffset(offset).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
}
