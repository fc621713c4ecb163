namespace FsBitrix.Esl.Inbound;

/// <summary>
/// Exponential backoff with jitter between reconnect attempts, so a restarting FreeSWITCH is not stormed by
/// every client retrying in step.
/// </summary>
public sealed record ReconnectBackoff
{
    public TimeSpan InitialDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The wait before attempt <paramref name="failures"/> + 1; <paramref name="random01"/> in [0, 1).</summary>
    public TimeSpan Delay(int failures, double random01)
    {
        double ceiling = Math.Min(MaxDelay.TotalMilliseconds, InitialDelay.TotalMilliseconds * Math.Pow(2, Math.Min(failures, 30)));

        // "Equal jitter": at least half the ceiling, so the delay still grows, at most the ceiling.
        return TimeSpan.FromMilliseconds((ceiling / 2) + (ceiling / 2 * random01));
    }
}
