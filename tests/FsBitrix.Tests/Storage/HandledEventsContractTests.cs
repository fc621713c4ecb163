using FsBitrix.ClickToCall;
using FsBitrix.Storage;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace FsBitrix.Tests.Storage;

/// <summary>
/// The click events' store, the same contract on both providers: SQLite (one box) and PostgreSQL (several FsBitrix
/// instances on one database). Each case runs against a real database of its own.
/// </summary>
[TestFixture("sqlite")]
[TestFixture("postgres")]
[CancelAfter(60_000)]
public class HandledEventsContractTests(string provider) : ProviderContract(provider)
{
    private static readonly TimeSpan Memory = TimeSpan.FromDays(1);
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);

    [Test]
    public async Task A_click_is_claimed_once_and_its_repeat_is_not()
    {
        IHandledEvents events = await OpenAsync();

        Assert.That(await events.TryClaimAsync("portal|call-1"), Is.True);
        Assert.That(await events.TryClaimAsync("portal|call-1"), Is.False, "the same delivery again");
        Assert.That(await events.TryClaimAsync("portal|call-2"), Is.True);
    }

    [Test]
    public async Task An_accepted_attempt_is_unfinished_until_done_and_keeps_what_was_learnt()
    {
        IHandledEvents events = await OpenAsync();
        ClickAttempt attempt = ClickAttempt.Accept(new BitrixCallEvent(BitrixCallEvent.ClickToCallEvent, "+79161234567")
        {
            CallId = "externalCall.1",
            UserId = 2,
            Tenant = "b.example",
        });

        Assert.That(await events.TryAcceptAsync(attempt), Is.True);
        Assert.That(await events.TryAcceptAsync(attempt), Is.False, "accepted once");
        await events.MarkOriginatingAsync(attempt with { Extensions = ["1001"] });
        ClickAttempt stored = (await events.UnfinishedAsync()).Single();
        Assert.Multiple(() =>
        {
            Assert.That(stored.State, Is.EqualTo(ClickAttemptState.Originating));
            Assert.That(stored.Legs, Is.EqualTo(attempt.Legs));
            Assert.That(stored.Extensions, Is.EqualTo(new[] { "1001" }));
            Assert.That((stored.Event.CallId, stored.Event.UserId, stored.Event.Tenant), Is.EqualTo(("externalCall.1", (int?)2, "b.example")));
            Assert.That(stored.AcceptedAt.ToUnixTimeMilliseconds(), Is.EqualTo(_time.GetUtcNow().ToUnixTimeMilliseconds()));
        });

        await events.MarkDoneAsync(stored);
        Assert.That(await events.UnfinishedAsync(), Is.Empty);
    }

    [Test]
    public async Task A_click_older_than_the_memory_window_is_forgotten()
    {
        IHandledEvents events = await OpenAsync();
        Assert.That(await events.TryClaimAsync("portal|old"), Is.True);

        _time.Advance(Memory + TimeSpan.FromMinutes(11));

        Assert.That(await events.TryClaimAsync("portal|new"), Is.True, "this claim purges");
        Assert.That(await events.TryClaimAsync("portal|old"), Is.True, "a delivery a day old is a new click");
    }

    [Test]
    public async Task Two_instances_on_one_database_claim_each_click_exactly_once()
    {
        IHandledEvents first = await OpenAsync();
        IHandledEvents second = await OpenAsync();

        // The same twenty clicks posted to both instances at once.
        Task<bool>[] claims = [.. Enumerable.Range(0, 20).SelectMany(i => new[]
        {
            Task.Run(() => first.TryClaimAsync($"portal|call-{i}")),
            Task.Run(() => second.TryClaimAsync($"portal|call-{i}")),
        })];
        bool[] won = await Task.WhenAll(claims);

        Assert.That(won.Count(w => w), Is.EqualTo(20), "one of the two claims of each click");
        Assert.That(Enumerable.Range(0, 20).All(i => won[2 * i] ^ won[(2 * i) + 1]), Is.True);
    }

    // Each call is one instance's store: its own connection (SQLite) or data source (PostgreSQL).
    private async Task<IHandledEvents> OpenAsync()
    {
        if (Db.ConnectionString is { } postgres)
        {
            NpgsqlDataSource dataSource = Db.Opened(await PostgresDatabase.OpenAsync(postgres));
            return Db.Opened<IHandledEvents>(new PostgresHandledEvents(dataSource, _time, Memory));
        }

        return Db.Opened<IHandledEvents>(HandledEvents.Open(Db.SqlitePath!, _time, Memory));
    }
}
