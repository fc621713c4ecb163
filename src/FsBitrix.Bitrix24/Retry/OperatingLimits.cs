using System.Collections.Concurrent;

namespace FsBitrix.Bitrix24.Retry;

/// <summary>
/// Per-method memory of <c>429 OPERATION_TIME_LIMIT</c>. Bitrix24 asks to suspend only the blocked method
/// and, for the first retry, to use <c>operating_reset_at</c> from the last successful response.
/// </summary>
internal sealed class OperatingLimits(TimeProvider time)
{
    private static readonly TimeSpan FallbackBlock = TimeSpan.FromMinutes(1);
    private readonly ConcurrentDictionary<string, DateTimeOffset> lastResetAt = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, DateTimeOffset> blockedUntil = new(StringComparer.OrdinalIgnoreCase);

    public void Observe(string method, DateTimeOffset? resetAt)
    {
        if (resetAt is { } at)
        {
            lastResetAt[method] = at;
        }

        blockedUntil.TryRemove(method, out _);
    }

    public DateTimeOffset Block(string method, DateTimeOffset? resetAtFromError)
    {
        DateTimeOffset now = time.GetUtcNow();
        DateTimeOffset until = resetAtFromError
            ?? (lastResetAt.TryGetValue(method, out DateTimeOffset last) && last > now ? last : now + FallbackBlock);
        blockedUntil[method] = until;
        return until;
    }

    public DateTimeOffset? BlockedUntil(string method) =>
        blockedUntil.TryGetValue(method, out DateTimeOffset until) && until > time.GetUtcNow() ? until : null;
}
