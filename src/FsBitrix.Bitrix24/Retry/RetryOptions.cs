namespace FsBitrix.Bitrix24.Retry;

public sealed record RetryOptions
{
    /// <summary>Retries after the first attempt; 0 disables retrying.</summary>
    public int MaxRetryAttempts { get; init; } = 4;

    /// <summary>Median delay before the first retry; grows exponentially, with jitter.</summary>
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Longest wait for <c>operating_reset_at</c> after <c>429 OPERATION_TIME_LIMIT</c> inside one call;
    /// beyond it the error goes to the caller (with <c>RetryAt</c>) so its queue can come back later.
    /// </summary>
    public TimeSpan MaxOperatingLimitWait { get; init; } = TimeSpan.FromMinutes(2);
}
