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
    private readonly TimeProvider _time;
    private readonly long _origin;
    private readonly long _intervalTicks;
    private readonly long _capacityTicks;
    private readonly bool _unlimited;
    private readonly Lock _gate = new();
    private long _tat;
    private int _waiting;

    public LeakyBucketLimiter(LeakyBucketOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        _time = timeProvider ?? TimeProvider.System;
        _origin = _time.GetTimestamp();
        _unlimited = options.IsUnlimited;
        if (!_unlimited)
        {
            _intervalTicks = (long)Math.Ceiling(TimeSpan.TicksPerSecond / options.DrainPerSecond);
            _capacityTicks = _intervalTicks * options.Burst;
        }
    }

    public LeakyBucketOptions Options { get; }

    /// <summary>Requests currently held back by the limiter.</summary>
    public int Waiting => Volatile.Read(ref _waiting);

    /// <summary>
    /// How long until one more request could leave without waiting (zero: now). Only a look: nothing is reserved, so a
    /// sender that waits this long and then decides what to send packs everything that became due meanwhile.
    /// </summary>
    public TimeSpan FreeIn
    {
        get
        {
            if (_unlimited)
            {
                return TimeSpan.Zero;
            }

            lock (_gate)
            {
                long now = Now();
                long wait = Math.Max(_tat, now) + _intervalTicks - _capacityTicks - now;
                return wait <= 0 ? TimeSpan.Zero : TimeSpan.FromTicks(wait);
            }
        }
    }

    /// <summary>How many requests could leave right now without waiting: the bucket's free room.</summary>
    public int Headroom
    {
        get
        {
            if (_unlimited)
            {
                return int.MaxValue;
            }

            lock (_gate)
            {
                long used = Math.Max(_tat - Now(), 0);
                return (int)((_capacityTicks - used) / _intervalTicks);
            }
        }
    }

    /// <summary>Completes when one more request may be sent without overflowing the portal's bucket.</summary>
    public ValueTask WaitAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (_unlimited)
        {
            return ValueTask.CompletedTask;
        }

        long delayTicks;
        lock (_gate)
        {
            long now = Now();
            long newTat = Math.Max(_tat, now) + _intervalTicks;
            delayTicks = newTat - _capacityTicks - now;
            _tat = newTat;
        }

        return delayTicks <= 0 ? ValueTask.CompletedTask : WaitForSlotAsync(TimeSpan.FromTicks(delayTicks), cancellationToken);
    }

    private async ValueTask WaitForSlotAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _waiting);
        try
        {
            await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            GiveBack();
            throw;
        }
        finally
        {
            Interlocked.Decrement(ref _waiting);
        }
    }

    private void GiveBack()
    {
        lock (_gate)
        {
            _tat = Math.Max(_tat - _intervalTicks, Now());
        }
    }

    private long Now() => _time.GetElapsedTime(_origin).Ticks;
}
