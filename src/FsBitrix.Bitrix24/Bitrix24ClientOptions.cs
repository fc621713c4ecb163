using System.Diagnostics.Metrics;
using FsBitrix.Bitrix24.RateLimiting;
using FsBitrix.Bitrix24.Retry;

namespace FsBitrix.Bitrix24;

/// <summary>Settings of <see cref="Bitrix24Client"/> (configuration section <c>FsBitrix:Bitrix</c>).</summary>
public sealed class Bitrix24ClientOptions
{
    /// <summary>Incoming-webhook base, <c>https://portal/rest/{user}/{code}/</c>. The code is a secret.</summary>
    public string WebhookUrl { get; set; } = string.Empty;

    /// <summary>Per-attempt timeout. The cloud cuts requests at 60 s; a telephony call should not wait that long.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(20);

    public LeakyBucketOptions RateLimit { get; set; } = LeakyBucketOptions.Standard;

    public RetryOptions Retry { get; set; } = new();

    /// <summary>The portal's per-method execution-time limit, which the client and the outbox pace to.</summary>
    public OperatingOptions Operating { get; set; } = new();

    /// <summary>The host's meter factory for <see cref="Telemetry.Bitrix24Instruments"/>; null: a meter shared in the process.</summary>
    public IMeterFactory? MeterFactory { get; set; }

    /// <summary>How measurements name this portal (a company's domain, or <c>default</c>).</summary>
    public string Portal { get; set; } = "default";

    public override string ToString()
    {
        string webhook;
        try
        {
            webhook = string.IsNullOrWhiteSpace(WebhookUrl) ? "(not set)" : Bitrix24.WebhookUrl.Parse(WebhookUrl).Masked;
        }
        catch (ArgumentException)
        {
            webhook = "(invalid)";
        }

        return $"Bitrix24 webhook {webhook}, timeout {RequestTimeout.TotalSeconds:0.#} s, rate {(RateLimit.IsUnlimited ? "unlimited" : $"{RateLimit.DrainPerSecond}/s burst {RateLimit.Burst}")}, {Retry.MaxRetryAttempts} retries";
    }
}
