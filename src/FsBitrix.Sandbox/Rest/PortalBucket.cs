namespace FsBitrix.Sandbox.Rest;

/// <summary>
/// The portal's request limit: a leaky bucket of <see cref="SandboxRateLimit.Burst"/> requests draining
/// <see cref="SandboxRateLimit.DrainPerSecond"/> per second; a request that would overflow it is refused and
/// not counted. Integer ticks of the injected clock, so a test can drive it exactly.
/// </summary>
internal sealed class PortalBucket
{
    private readonly TimeProvider time;
    private readonly long origin;
    private readonly Lock gate = new();
    private SandboxRateLimit limit = SandboxRateLimit.Standard;
    private long intervalTicks;
    private long tat;

    public PortalBucket(SandboxRateLimit limit, TimeProvider time)
    {
        this.time = time;
        origin = time.GetTimestamp();
        Configure(limit);
    }

    public SandboxRateLimit Limit => limit;

    public void Configure(SandboxRateLimit value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!value.Unlimited && (!(value.DrainPerSecond > 0) || value.Burst < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(value), "Drain rate and burst must be positive.");
        }

        lock (gate)
        {
            limit = value;
            intervalTicks = value.Unlimited ? 0 : (long)Math.Ceiling(TimeSpan.TicksPerSecond / value.DrainPerSecond);
        }
    }

    public bool TryTake()
    {
        lock (gate)
        {
            if (limit.Unlimited)
            {
                return true;
            }

            long now = time.GetElapsedTime(origin).Ticks;
            long newTat = Math.Max(tat, now) + intervalTicks;
            if (newTat - now > intervalTicks * limit.Burst)
            {
                return false;
            }

            tat = newTat;
            return true;
        }
    }
}
