using FsBitrix.Bitrix24.RateLimiting;
using FsBitrix.Bitrix24.Retry;
using FsBitrix.Sandbox;

namespace FsBitrix.Bitrix24.Tests.Support;

/// <summary>Starts sandbox portals on 127.0.0.1 ephemeral ports and clients pointed at them.</summary>
internal static class Portal
{
    /// <summary>Recognisable, so a test can look for it in logs and messages.</summary>
    public const string Secret = "c0de5ecret4u9x7q";

    public static Task<SandboxPortal> StartAsync(Action<SandboxOptions>? configure = null)
    {
        var options = new SandboxOptions { WebhookCode = Secret, RateLimit = SandboxRateLimit.None };
        configure?.Invoke(options);
        return SandboxPortal.StartAsync(options);
    }

    /// <summary>A client with fast retries (1 ms base delay) and no client-side limit unless asked.</summary>
    public static Bitrix24Client Client(
        SandboxPortal portal,
        Action<Bitrix24ClientOptions>? configure = null,
        LogCapture? logs = null,
        TimeProvider? time = null,
        LeakyBucketLimiter? limiter = null,
        Auth.IBitrix24Auth? auth = null)
    {
        var options = new Bitrix24ClientOptions
        {
            WebhookUrl = portal.WebhookUrl.AbsoluteUri,
            RequestTimeout = TimeSpan.FromSeconds(5),
            RateLimit = LeakyBucketOptions.Unlimited,
            Retry = new RetryOptions { MaxRetryAttempts = 3, BaseDelay = TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromMilliseconds(5) },
        };
        configure?.Invoke(options);
        return new Bitrix24Client(options, (logs ?? new LogCapture()).For<Bitrix24Client>(), time, limiter, auth: auth);
    }
}
