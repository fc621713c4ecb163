using FsBitrix.Esl.Protocol;

namespace FsBitrix.Esl.Connection;

/// <summary>Settings shared by inbound clients and outbound sessions.</summary>
public record EslConnectionOptions
{
    /// <summary>How long a command waits for its reply before the caller gets a <see cref="TimeoutException"/>.</summary>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a <c>bgapi</c> job may run (an originate rings for up to 60 s by default).</summary>
    public TimeSpan BackgroundJobTimeout { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>
    /// Frames buffered between the socket reader and the subscribers. When it is full the reader waits, so a slow
    /// subscriber slows the socket instead of losing events in here; each wait is counted and logged.
    /// </summary>
    public int EventBufferCapacity { get; init; } = 10_000;

    /// <summary>Limits of the frame parser (tests tighten them); not configuration.</summary>
    internal EslParserOptions Parser { get; init; } = EslParserOptions.Default;
}
