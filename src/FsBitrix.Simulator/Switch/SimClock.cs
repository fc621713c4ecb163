namespace FsBitrix.Simulator.Switch;

/// <summary>
/// The simulated switch's clock: virtual time runs <see cref="Speed"/> times faster than the injected
/// <see cref="TimeProvider"/>, so a 4 s talk takes 4 ms at ×1000 while its events still say 4 s apart.
/// </summary>
public sealed class SimClock
{
    private readonly DateTimeOffset _origin;

    public SimClock(TimeProvider time, double speed)
    {
        ArgumentNullException.ThrowIfNull(time);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(speed);
        Time = time;
        Speed = speed;
        _origin = time.GetUtcNow();
    }

    public TimeProvider Time { get; }

    public double Speed { get; }

    public DateTimeOffset Now => _origin + ((Time.GetUtcNow() - _origin) * Speed);

    /// <summary>Waits a span of virtual time.</summary>
    public Task Delay(TimeSpan virtualSpan, CancellationToken ct) =>
        virtualSpan <= TimeSpan.Zero ? Task.CompletedTask : Task.Delay(virtualSpan / Speed, Time, ct);
}
