namespace FsBitrix.Bitrix24.RateLimiting;

/// <summary>
/// Client-side twin of the portal's leaky bucket, so that requests wait here instead of coming back as
/// <c>503 QUERY_LIMIT_EXCEEDED</c>. One instance must be shared by everything that talks to one portal
/// from this host, because Bitrix24 counts per portal and per source IP.
/// </summary>
/// <remarks>
/// Kept as GCRA in integer ticks: <c>tat</c> is the moment the bucket would be empty. A request reserves its
/// place under the lock and then waits outside it, so callers leave in the order they arrived and a
/// cancelled waiter gives its place back. Integer ticks keep this exactly in step with a portal that uses
/// the same arithmetic, which is what makes the limiter testable against the sandbox with a fake clock.
/// </remarks>
public sealed class LeakyBucketLimiter
{
    private readonly TimeProvider time;
    private readonly long origin;
    private readonly long intervalTicks;
    private readonly long capacityTicks;
    private readonly bool unlimited;
    private readonly Lock gate = new();
    private long tat;
    private int waiting;

    public LeakyBucketLimiter(LeakyBucketOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        time = timeProvider ?? TimeProvider.System;
        origin = time.GetTimestamp();
        unlimited = options.IsUnlimited;
        if (!unlimited)
        {
            intervalTicks = (long)Math.Ceiling(TimeSpan.TicksPerSecond / options.DrainPerSecond);
            capacityTicks = intervalTicks * options.Burst;
        }
    }

    public LeakyBucketOptions Options { get; }

    /// <summary>Requests currently held back by the limiter.</summary>
    public int Waiting => Volatile.Read(ref waiting);

    /// <summary>
    /// How long until one more request could leave without waiting (zero: now). Only a look: nothing is reserved, so a
    /// sender that waits this long and then decides what to send packs everything that became due meanwhile.
    /// </summary>
    public TimeSpan FreeIn
    {
        get
        {
            if (unlimited)
            {
                return TimeSpan.Zero;
            }

            lock (gate)
            {
                long now = Now();
                long wait = Math.Max(tat, now) + intervalTicks - capacityTicks - now;
                return wait <= 0 ? TimeSpan.Zero : TimeSpan.FromTicks(wait);
            }
        }
    }

    /// <summary>How many requests could leave right now without waiting: the bucket's free room.</summary>
    public int Headroom
    {
        get
        {
            if (unlimited)
            {
                return int.MaxValue;
            }

            lock (gate)
            {
                long used = Math.Max(tat - Now(), 0);
                return (int)((capacityTicks - used) / intervalTicks);
            }
        }
    }

    /// <summary>Completes when one more request may be sent without overflowing the portal's bucket.</summary>
    public ValueTask WaitAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (unlimited)
        {
            return ValueTask.CompletedTask;
        }

        long delayTicks;
        lock (gate)
        {
            long now = Now();
            long newTat = Math.Max(tat, now) + intervalTicks;
            delayTicks = newTat - capacityTicks - now;
            tat = newTat;
        }

        return delayTicks <= 0 ? ValueTask.CompletedTask : WaitForSlotAsync(TimeSpan.FromTicks(delayTicks), cancellationToken);
    }

    private async ValueTask WaitForSlotAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref waiting);
        try
        {
            await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            GiveBack();
            throw;
        }
        finally
        {
            Interlocked.Decrement(ref waiting);
        }
    }

    private void GiveBack()
    {
        lock (gate)
        {
            tat = Math.Max(tat - intervalTicks, Now());
        }
    }

    private long Now() => time.GetElapsedTime(origin).Ticks;
}
