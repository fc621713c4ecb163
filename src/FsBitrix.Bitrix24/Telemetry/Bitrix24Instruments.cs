using System.Diagnostics.Metrics;
using FsBitrix.Bitrix24.Errors;

namespace FsBitrix.Bitrix24.Telemetry;

/// <summary>
/// What the client measures, as .NET metrics (meter <see cref="MeterName"/>): every attempt of a REST call by method and
/// outcome with its latency, and every wait for the portal's rate limit. The library only emits; the host decides
/// whether and how to export (the service publishes them at <c>/metrics</c>).
/// </summary>
/// <remarks>Instrument names follow OpenTelemetry's conventions; units are UCUM (<c>s</c>, <c>{request}</c>).</remarks>
public sealed class Bitrix24Instruments
{
    public const string MeterName = "FsBitrix.Bitrix24";

    /// <summary>Counter of attempts, tags <c>method</c>, <c>outcome</c> (<c>ok</c> or the error kind), <c>portal</c>.</summary>
    public const string Requests = "fsbitrix.bitrix24.requests";

    /// <summary>Histogram of attempt latency in seconds (request sent → answer read), tags <c>method</c>, <c>portal</c>.</summary>
    public const string RequestDuration = "fsbitrix.bitrix24.request.duration";

    /// <summary>Counter of attempts that had to wait for the portal's request budget, tag <c>portal</c>.</summary>
    public const string RateLimitWaits = "fsbitrix.bitrix24.rate_limit.waits";

    /// <summary>Counter of seconds spent waiting for the portal's request budget, tag <c>portal</c>.</summary>
    public const string RateLimitWaited = "fsbitrix.bitrix24.rate_limit.wait.duration";

    /// <summary>Latency buckets: a telephony call answers in tens of milliseconds; 20 s is the client's timeout.</summary>
    public static readonly IReadOnlyList<double> LatencyBuckets = [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20];

    // Without a factory the meter is shared by every client in the process, like HttpClient's own.
    private static readonly Meter SharedMeter = new(MeterName);

    private readonly Counter<long> _requests;
    private readonly Histogram<double> _duration;
    private readonly Counter<long> _waits;
    private readonly Counter<double> _waited;
    private readonly KeyValuePair<string, object?> _portal;

    /// <param name="meters">The host's factory (its meters are told apart from other hosts' in one process); null: a shared meter.</param>
    /// <param name="portal">The portal's name in every measurement (several companies, several portals).</param>
    public Bitrix24Instruments(IMeterFactory? meters, string portal)
    {
        Meter meter = meters?.Create(new MeterOptions(MeterName)) ?? SharedMeter;
        _requests = meter.CreateCounter<long>(Requests, "{request}", "Bitrix24 REST attempts by method and outcome");
        _duration = meter.CreateHistogram(RequestDuration, "s", "Bitrix24 REST attempt latency",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBuckets });
        _waits = meter.CreateCounter<long>(RateLimitWaits, "{request}", "Attempts that waited for the portal's request budget");
        _waited = meter.CreateCounter<double>(RateLimitWaited, "s", "Time spent waiting for the portal's request budget");
        _portal = new KeyValuePair<string, object?>("portal", portal);
    }

    /// <summary>One attempt ended: <paramref name="error"/> is null when Bitrix24 answered with a result.</summary>
    public void Attempted(string method, TimeSpan elapsed, Bitrix24Exception? error)
    {
        var methodTag = new KeyValuePair<string, object?>("method", method);
        _requests.Add(1, methodTag, new KeyValuePair<string, object?>("outcome", OutcomeOf(error)), _portal);
        _duration.Record(elapsed.TotalSeconds, methodTag, _portal);
    }

    public void Waited(TimeSpan waited)
    {
        _waits.Add(1, _portal);
        _waited.Add(waited.TotalSeconds, _portal);
    }

    /// <summary>Snake case, as Prometheus label values usually are: <c>ok</c>, <c>rate_limited</c>, <c>transient</c>…</summary>
    public static string OutcomeOf(Bitrix24Exception? error) => error is null ? "ok" : error.Kind switch
    {
        Bitrix24ErrorKind.RateLimited => "rate_limited",
        Bitrix24ErrorKind.OperationTimeLimit => "operation_time_limit",
        Bitrix24ErrorKind.Authorization => "authorization",
        Bitrix24ErrorKind.CallNotFound => "call_not_found",
        Bitrix24ErrorKind.CallNotFinished => "call_not_finished",
        Bitrix24ErrorKind.Transient => "transient",
        Bitrix24ErrorKind.BadRequest => "bad_request",
        _ => "error",
    };
}
