using FsBitrix.Bitrix24.Errors;
using FsBitrix.Bitrix24.RateLimiting;
using FsBitrix.Bitrix24.Retry;
using FsBitrix.Bitrix24.Tests.Support;
using FsBitrix.Sandbox;

namespace FsBitrix.Bitrix24.Tests;

/// <summary>
/// The client's leaky bucket against the sandbox's, both on one fake clock: the test advances it one drain
/// interval at a time, and only when every request is either answered or parked on the limiter.
/// </summary>
public sealed class LimiterTests
{
    private const int Requests = 200;
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);

    [Test]
    public async Task A_burst_of_200_stays_free_of_503s_against_a_portal_at_2_per_second_burst_50()
    {
        var time = new SignallingTimeProvider();
        await using SandboxPortal portal = await Portal.StartAsync(o =>
        {
            o.TimeProvider = time;
            o.RateLimit = SandboxRateLimit.Standard;
        });
        var limiter = new LeakyBucketLimiter(LeakyBucketOptions.Standard, time);
        using Bitrix24Client client = Portal.Client(portal, o => o.Retry = new RetryOptions { MaxRetryAttempts = 0 }, time: time, limiter: limiter);
        var answered = new Signal();
        DateTimeOffset started = time.GetUtcNow();

        Task[] burst = [.. Enumerable.Range(0, Requests).Select(async _ =>
        {
            await client.SearchCrmEntitiesAsync(Calls.KnownCustomer);
            answered.Increment();
        })];

        // 50 go at once; the other 150 wait, one released per 500 ms of portal time.
        await answered.WaitForAsync(50);
        await time.WaitForTimersAsync(Requests - 50);
        for (int released = 1; released <= Requests - 50; released++)
        {
            time.Advance(Interval);
            await answered.WaitForAsync(50 + released);
        }

        await Task.WhenAll(burst).WaitAsync(Signal.Timeout);
        Assert.That(portal.State.StatusCount(503), Is.Zero);
        Assert.That(portal.State.StatusCount(200), Is.EqualTo(Requests));
        Assert.That(time.GetUtcNow() - started, Is.EqualTo(TimeSpan.FromSeconds(75)));
        Assert.That(limiter.Waiting, Is.Zero);
    }

    [Test]
    public async Task Without_the_limiter_the_same_burst_meets_query_limit_exceeded()
    {
        var time = new SignallingTimeProvider();
        await using SandboxPortal portal = await Portal.StartAsync(o =>
        {
            o.TimeProvider = time;
            o.RateLimit = SandboxRateLimit.Standard;
        });
        using Bitrix24Client client = Portal.Client(portal, o => o.Retry = new RetryOptions { MaxRetryAttempts = 0 }, time: time);

        Task[] burst = [.. Enumerable.Range(0, Requests).Select(_ => client.SearchCrmEntitiesAsync(Calls.KnownCustomer))];
        Exception? failure = null;
        try
        {
            await Task.WhenAll(burst).WaitAsync(Signal.Timeout);
        }
        catch (Bitrix24Exception e)
        {
            failure = e;
        }

        Assert.That(failure, Is.TypeOf<Bitrix24Exception>().With.Property(nameof(Bitrix24Exception.Kind)).EqualTo(Bitrix24ErrorKind.RateLimited));
        Assert.That(portal.State.StatusCount(200), Is.EqualTo(50));
        Assert.That(portal.State.StatusCount(503), Is.EqualTo(150));
    }

    [Test]
    public async Task Concurrent_callers_are_released_exactly_at_the_drain_rate()
    {
        var time = new SignallingTimeProvider();
        var limiter = new LeakyBucketLimiter(new LeakyBucketOptions { DrainPerSecond = 5, Burst = 10 }, time);
        var passed = new Signal();

        Task[] callers = [.. Enumerable.Range(0, 40).Select(_ => Task.Run(async () =>
        {
            await limiter.WaitAsync();
            passed.Increment();
        }))];

        await passed.WaitForAsync(10);
        await time.WaitForTimersAsync(30);
        Assert.That(passed.Value, Is.EqualTo(10));
        time.Advance(TimeSpan.FromSeconds(1));
        await passed.WaitForAsync(15);
        Assert.That(passed.Value, Is.EqualTo(15), "5 per second after the burst");
        time.Advance(TimeSpan.FromSeconds(5));
        await Task.WhenAll(callers).WaitAsync(Signal.Timeout);
        Assert.That(passed.Value, Is.EqualTo(40));
    }

    [Test]
    public async Task A_cancelled_waiter_gives_its_place_back()
    {
        var time = new SignallingTimeProvider();
        var limiter = new LeakyBucketLimiter(new LeakyBucketOptions { DrainPerSecond = 1, Burst = 1 }, time);
        await limiter.WaitAsync();
        using var cts = new CancellationTokenSource();
        Task cancelled = limiter.WaitAsync(cts.Token).AsTask();
        await cts.CancelAsync();
        Assert.That(async () => await cancelled, Throws.InstanceOf<OperationCanceledException>());

        Task next = limiter.WaitAsync().AsTask();
        int timers = time.TimersCreated;
        time.Advance(TimeSpan.FromSeconds(1));

        await next.WaitAsync(Signal.Timeout);
        Assert.That(time.TimersCreated, Is.EqualTo(timers), "the next caller waits one interval, not two");
    }

    [Test]
    public void Unlimited_never_waits_and_bad_settings_are_refused()
    {
        var limiter = new LeakyBucketLimiter(LeakyBucketOptions.Unlimited, new SignallingTimeProvider());
        for (int i = 0; i < 10_000; i++)
        {
            Assert.That(limiter.WaitAsync().IsCompletedSuccessfully, Is.True);
        }

        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new LeakyBucketLimiter(new LeakyBucketOptions { DrainPerSecond = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new LeakyBucketLimiter(new LeakyBucketOptions { Burst = 0 }));
        Assert.That(LeakyBucketOptions.Enterprise, Is.EqualTo(new LeakyBucketOptions { DrainPerSecond = 5, Burst = 250 }));
    }
}
