namespace FsBitrix.Sandbox.Rest;

/// <summary>
/// The portal's request limit: a leaky bucket of <see cref="SandboxRateLimit.Burst"/> requests draining
/// <see cref="SandboxRateLimit.DrainPerSecond"/> per second; a request that would overflow it is refused and
/// not counted. Integer ticks of the injected clock, so a test can drive it exactly.
/// </summary>
internal sealed class PortalBucket
{
    private readonly TimeProvider _time;
    private readonly long _origin;
    private readonly Lock _gate = new();
    private SandboxRateLimit _limit = SandboxRateLimit.Standard;
    private long _intervalTicks;
    private long _tat;

    public PortalBucket(SandboxRateLimit limit, TimeProvider time)
    {
        _time = time;
        _origin = time.GetTimestamp();
        Configure(limit);
    }

    public SandboxRateLimit Limit => _limit;

    public void Configure(SandboxRateLimit value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!value.Unlimited && (!(value.DrainPerSecond > 0) || value.Burst < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(value), "Drain rate and burst must be positive.");
        }

        lock (_gate)
        {
            _limit = value;
            _intervalTicks = value.Unlimited ? 0 : (long)Math.Ceiling(TimeSpan.TicksPerSecond / value.DrainPerSecond);
        }
    }

    public bool TryTake()
    {
        lock (_gate)
        {
            if (_limit.Unlimited)
            {
                return true;
            }

            long now = _time.GetElapsedTime(_origin).Ticks;
            long newTat = Math.Max(_tat, now) + _intervalTicks;
            if (newTat - now > _intervalTicks * _limit.Burst)
            {
                return false;
            }

            _tat = newTat;
            return true;
        }
    }
}
