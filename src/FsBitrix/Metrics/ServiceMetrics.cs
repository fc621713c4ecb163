using Prometheus;

namespace FsBitrix.Metrics;

/// <summary>
/// Every metric <c>GET /metrics</c> serves, in one registry per host (tests run several services in one process).
/// Names follow Prometheus's conventions: <c>fsbitrix_</c>, base units, <c>_total</c> on counters, <c>_seconds</c>.
/// </summary>
internal sealed class ServiceMetrics
{
    /// <summary>The card's moment: a rep's phone rings for seconds, so buckets resolve the first few finely.</summary>
    public static readonly double[] CardBuckets = [0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10, 30];

    public ServiceMetrics()
    {
        IMetricFactory f = Prometheus.Metrics.WithCustomRegistry(Registry);
        EslConnected = f.CreateGauge("fsbitrix_esl_connected", "1 while the inbound Event Socket to the FreeSWITCH node is connected and subscribed", ["node"]);
        EslConnections = f.CreateCounter("fsbitrix_esl_connections_total", "Event Socket connections made to the node (the first one and every reconnect)", ["node"]);
        EslReconnects = f.CreateCounter("fsbitrix_esl_reconnects_total", "Event Socket reconnects to the node after a lost connection", ["node"]);
        EslEvents = f.CreateCounter("fsbitrix_esl_events_total", "Events received from the node and handed to call tracking", ["node"]);
        EslBackpressureWaits = f.CreateCounter("fsbitrix_esl_backpressure_waits_total",
            "Events whose delivery waited because call tracking was behind (back-pressure on the socket)", ["node"]);
        CallsActive = f.CreateGauge("fsbitrix_calls_active", "Calls followed now");
        Leader = f.CreateGauge("fsbitrix_leader",
            "1 while this instance leads (follows FreeSWITCH, talks to Bitrix24); 0 on a standby of a shared PostgreSQL. Across instances the sum must be 1");
        OutboxCommands = f.CreateGauge("fsbitrix_outbox_commands", "Commands waiting in the outbox, by portal and lane (ringing, hide, finish, recording)",
            ["portal", "lane"]);
        OutboxOldestAge = f.CreateGauge("fsbitrix_outbox_oldest_command_age_seconds", "Age of the oldest command waiting in the lane (0 when none waits)",
            ["portal", "lane"]);
        OutboxRateLimitWaits = f.CreateCounter("fsbitrix_outbox_rate_limit_waits_total",
            "Times the outbox held its next request because the portal's request budget was spent", ["portal"]);
        OutboxRateLimitWaited = f.CreateCounter("fsbitrix_outbox_rate_limit_wait_seconds_total",
            "Seconds the outbox held its next request for the portal's request budget", ["portal"]);
        Commands = f.CreateCounter("fsbitrix_commands_total",
            "Outbox commands by what became of them: delivered, refused (Bitrix24 rejected the data), retry, dropped (a card whose moment passed)",
            ["portal", "command", "outcome"]);
        CardLatency = f.CreateHistogram("fsbitrix_card_latency_seconds",
            "From the rep's phone ringing (the command written) to Bitrix24 acknowledging the card", ["portal"],
            new HistogramConfiguration { Buckets = CardBuckets });
        Recordings = f.CreateCounter("fsbitrix_recordings_total", "Recordings by outcome: attached to their call, or failed for good", ["portal", "outcome"]);
        BitrixRequests = f.CreateCounter("fsbitrix_bitrix24_requests_total",
            "Bitrix24 REST requests by method (batch for a batch) and outcome (ok or the error kind)", ["portal", "method", "outcome"]);
        BitrixRequestDuration = f.CreateHistogram("fsbitrix_bitrix24_request_duration_seconds", "Bitrix24 REST request latency",
            ["portal", "method"], new HistogramConfiguration { Buckets = [.. Bitrix24.Telemetry.Bitrix24Instruments.LatencyBuckets] });
        BitrixRateLimitWaits = f.CreateCounter("fsbitrix_bitrix24_rate_limit_waits_total",
            "Requests that waited in the client for the portal's request budget", ["portal"]);
        BitrixRateLimitWaited = f.CreateCounter("fsbitrix_bitrix24_rate_limit_wait_seconds_total",
            "Seconds requests waited in the client for the portal's request budget", ["portal"]);
    }

    public CollectorRegistry Registry { get; } = Prometheus.Metrics.NewCustomRegistry();

    public Gauge EslConnected { get; }

    public Counter EslConnections { get; }

    public Counter EslReconnects { get; }

    public Counter EslEvents { get; }

    public Counter EslBackpressureWaits { get; }

    public Gauge CallsActive { get; }

    public Gauge Leader { get; }

    public Gauge OutboxCommands { get; }

    public Gauge OutboxOldestAge { get; }

    public Counter OutboxRateLimitWaits { get; }

    public Counter OutboxRateLimitWaited { get; }

    public Counter Commands { get; }

    public Histogram CardLatency { get; }

    public Counter Recordings { get; }

    public Counter BitrixRequests { get; }

    public Histogram BitrixRequestDuration { get; }

    public Counter BitrixRateLimitWaits { get; }

    public Counter BitrixRateLimitWaited { get; }
}
