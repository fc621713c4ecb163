using Microsoft.Extensions.Time.Testing;

namespace FsBitrix.Bitrix24.Tests.Support;

/// <summary>
/// A fake clock that also tells when timers are created, so a test advances it only after every waiter
/// has parked on it (advancing earlier would move their due times along with the clock).
/// </summary>
internal sealed class SignallingTimeProvider() : FakeTimeProvider(new DateTimeOffset(2026, 3, 10, 8, 0, 0, TimeSpan.Zero))
{
    private readonly Signal _created = new();

    public int TimersCreated => _created.Value;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ITimer timer = base.CreateTimer(callback, state, dueTime, period);
        _created.Increment();
        return timer;
    }

    public Task WaitForTimersAsync(int count) => _created.WaitForAsync(count);
}
