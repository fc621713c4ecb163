using System.Diagnostics.Metrics;
using FsBitrix.Bitrix24.Telemetry;

namespace FsBitrix.Metrics;

/// <summary>
/// Carries the Bitrix24 client's .NET measurements (<see cref="Bitrix24Instruments"/>) into <see cref="ServiceMetrics"/>.
/// Only meters made by this host's <see cref="IMeterFactory"/> are heard: another host in the same process (a test's
/// second service) keeps its own figures.
/// </summary>
internal sealed class Bitrix24MeterBridge : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ServiceMetrics _metrics;
    private readonly IMeterFactory _scope;

    public Bitrix24MeterBridge(ServiceMetrics metrics, IMeterFactory scope)
    {
        _metrics = metrics;
        _scope = scope;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == Bitrix24Instruments.MeterName && ReferenceEquals(instrument.Meter.Scope, _scope))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument.Name, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument.Name, value, tags));
        _listener.Start();
    }

    public void Dispose() => _listener.Dispose();

    private void Record(string instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        string portal = Tag(tags, "portal");
        switch (instrument)
        {
            case Bitrix24Instruments.Requests:
                _metrics.BitrixRequests.WithLabels(portal, Tag(tags, "method"), Tag(tags, "outcome")).Inc(value);
                break;
            case Bitrix24Instruments.RequestDuration:
                _metrics.BitrixRequestDuration.WithLabels(portal, Tag(tags, "method")).Observe(value);
                break;
            case Bitrix24Instruments.RateLimitWaits:
                _metrics.BitrixRateLimitWaits.WithLabels(portal).Inc(value);
                break;
            case Bitrix24Instruments.RateLimitWaited:
                _metrics.BitrixRateLimitWaited.WithLabels(portal).Inc(value);
                break;
        }
    }

    private static string Tag(ReadOnlySpan<KeyValuePair<string, object?>> tags, string name)
    {
        foreach (KeyValuePair<string, object?> tag in tags)
        {
            if (tag.Key == name)
            {
                return tag.Value?.ToString() ?? string.Empty;
            }
        }

        return string.Empty;
    }
}
