using FsBitrix.Core.Calls;
using FsBitrix.Core.Status;
using FsBitrix.Outbox;
using Microsoft.Extensions.Time.Testing;

namespace FsBitrix.Tests.Storage;

/// <summary>
/// The outbox and the calls' states (<see cref="ICallStates"/>), the same contract on SQLite and on PostgreSQL, each case against a real database
/// of its own: order per call, lanes, cards' coalescing wait, one finish per CALL_ID, retries, held finishes, states
/// for a restart, pruning, and what the health and status pages read. "Another instance" is a second store on the
/// same database: what one wrote, the other carries on with (a takeover).
/// </summary>
[TestFixture("sqlite")]
[TestFixture("postgres")]
[CancelAfter(60_000)]
public class OutboxContractTests(string provider) : ProviderContract(provider)
{
    private static readonly HashSet<string> NoneBusy = [];
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.FromUnixTimeMilliseconds(1_796_700_000_000));

    [Test]
    public async Task A_calls_commands_go_in_the_order_written_and_ringing_work_before_finishes()
    {
        IOutboxStore store = await Db.OpenOutboxAsync(_clock);
        await store.AppendAsync("old", [Finish("old", "B-old")], null, callOver: true);
        await store.AppendAsync("new", [Register("new"), new ShowCard("new", null, "1001")], "{\"s\":1}", callOver: false);

        DueQueues first = await store.DueQueuesAsync(10, NoneBusy, IOutboxStore.DefaultTenant);
        Assert.That(first.Calls.Select(c => c.CallKey), Is.EqualTo(new[] { "new", "old" }), "the register's lane first, though written later");
        Assert.That(first.Calls[0].Pending.Select(e => e.Command), Is.EqualTo(new CallCommand[] { Register("new"), new ShowCard("new", null, "1001") }),
            "the whole queue, in order");
        Assert.That(first.Calls[0].Pending[1].NotBefore, Is.EqualTo(_clock.GetUtcNow() + store.CardCoalescing), "a card waits for its siblings");
        Assert.That(first.Calls[0].Head.CreatedAt, Is.EqualTo(_clock.GetUtcNow()));

        DueQueues notBusy = await store.DueQueuesAsync(10, new HashSet<string> { "new" }, IOutboxStore.DefaultTenant);
        Assert.That(notBusy.Calls.Select(c => c.CallKey), Is.EqualTo(new[] { "old" }), "a call being delivered is left out");
        Assert.That((await store.DueQueuesAsync(1, NoneBusy, IOutboxStore.DefaultTenant)).Calls, Has.Count.EqualTo(1), "at most as many as asked");

        await store.MarkDoneAsync(first.Calls[0].Head.Id, "registered");
        await store.MarkDoneAsync(first.Calls[1].Head.Id, "finished");
        DueQueues cardOnly = await store.DueQueuesAsync(10, NoneBusy, IOutboxStore.DefaultTenant);
        Assert.That(cardOnly.Calls, Is.Empty, "the card's wait is not over");
        Assert.That(cardOnly.NextDue, Is.EqualTo(_clock.GetUtcNow() + store.CardCoalescing));

        _clock.Advance(store.CardCoalescing);
        Assert.That((await store.DueQueuesAsync(10, NoneBusy, IOutboxStore.DefaultTenant)).Calls.Single().Head.Command,
            Is.EqualTo(new ShowCard("new", null, "1001")));
        Assert.That(await store.PendingCountAsync(), Is.EqualTo(1));
    }

    [Test]
    public async Task A_call_id_is_finished_once_and_nothing_of_its_card_follows_but_its_recordings_do()
    {
        IOutboxStore store = await Db.OpenOutboxAsync(_clock);
        IReadOnlyList<CallCommand> refusedAtOnce = await store.AppendAsync([
            new OutboxWrite("a", [Finish("a", "B-1"), Finish("a", "B-1")], null, true)]);
        IReadOnlyList<CallCommand> refusedLater = await store.AppendAsync("late-leg",
            [new ShowCard("late-leg", "B-1", "1002"), new HideCard("late-leg", "B-1", "1002"), Finish("late-leg", "B-1"),
             new AttachRecording("late-leg", "B-1", "/rec/1.wav"), Finish("late-leg", "B-2")], null, callOver: true);

        Assert.Multiple(async () =>
        {
            Assert.That(refusedAtOnce, Is.EqualTo(new[] { Finish("a", "B-1") }), "the second finish of one append");
            Assert.That(refusedLater, Is.EqualTo(new CallCommand[]
            {
                new ShowCard("late-leg", "B-1", "1002"), new HideCard("late-leg", "B-1", "1002"), Finish("late-leg", "B-1"),
            }));
            Assert.That(await store.PendingCountAsync(), Is.EqualTo(3), "a's finish, the recording, B-2's finish");
            Assert.That(await store.RecordingsOfAsync("late-leg"), Is.EquivalentTo(new[] { "/rec/1.wav" }));
            Assert.That(await store.FinishPendingAsync("a"), Is.True);
            Assert.That(await store.FinishPendingAsync("nobody"), Is.False);
        });

        // Another instance remembers it too.
        IOutboxStore other = await Db.OpenOutboxAsync(_clock);
        Assert.That(await other.AppendAsync("again", [Finish("again", "B-1")], null, true), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task Finishes_of_one_call_id_appended_at_once_leave_exactly_one()
    {
        IOutboxStore store = await Db.OpenOutboxAsync(_clock);

        // The tracker's writer and the CDR import append concurrently: eight legs of one portal call finishing together.
        IReadOnlyList<CallCommand>[] refused = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            store.AppendAsync($"leg-{i}", [Finish($"leg-{i}", "B-same")], null, callOver: true)));

        Assert.That(refused.Sum(r => r.Count), Is.EqualTo(7));
        Assert.That(await store.PendingCountAsync(), Is.EqualTo(1), "one finish for the portal");
    }

    [Test]
    public async Task A_retry_counts_its_attempt_waits_its_turn_and_stays_ambiguous_once_it_was()
    {
        IOutboxStore store = await Db.OpenOutboxAsync(_clock);
        await store.AppendAsync("c", [Register("c")], "{}", callOver: false);
        long id = (await store.DueQueuesAsync(10, NoneBusy, IOutboxStore.DefaultTenant)).Calls[0].Head.Id;

        await store.MarkRetryAsync(id, "timeout", _clock.GetUtcNow().AddSeconds(30), ambiguous: true);
        await store.MarkRetryAsync(id, "503", _clock.GetUtcNow().AddSeconds(10), ambiguous: false);
        await store.MarkRetryAsync(id, "auth", _clock.GetUtcNow().AddMinutes(10), ambiguous: false, countAttempt: false);
        Assert.That((await store.DueQueuesAsync(10, NoneBusy, IOutboxStore.DefaultTenant)).NextDue, Is.EqualTo(_clock.GetUtcNow().AddMinutes(10)));

        await store.ReleaseWaitingAsync();
        OutboxEntry head = (await store.DueQueuesAsync(10, NoneBusy, IOutboxStore.DefaultTenant)).Calls.Single().Head;
        Assert.Multiple(async () =>
        {
            Assert.That((head.Attempts, head.LastError, head.Ambiguous), Is.EqualTo((2, "auth", true)));
            Assert.That(await store.PendingAttemptsAsync(), Is.EqualTo(2));
            IReadOnlyList<WaitingCommand> oldest = await store.OldestWaitingAsync(IOutboxStore.DefaultTenant);
            Assert.That(oldest.Select(w => (w.Lane, w.Kind, w.CallKey, w.Attempts, w.LastError)),
                Is.EqualTo(new[] { (Lane.Ringing, nameof(RegisterCall), "c", 2, (string?)"auth") }));
        });
    }

    [Test]
    public async Task A_guessed_finish_waits_for_the_cdrs_which_correct_it_once()
    {
        IOutboxStore store = await Db.OpenOutboxAsync(_clock);
        store.EstimatedFinishWait = TimeSpan.FromMinutes(1);
        await store.AppendAsync("c", [new FinishCall("c", "B-9", "1001", 1, CallStatus.Answered, "", Estimated: true)], null, callOver: true);

        await store.ReleaseWaitingAsync();
        Assert.That((await store.DueQueuesAsync(10, NoneBusy, IOutboxStore.DefaultTenant)).Calls, Is.Empty, "not released with the others");
        Assert.That(await store.CorrectFinishAsync("c", new FinishCall("c", null, "1002", 240, CallStatus.Answered, "", UserId: 3)), Is.True);
        Assert.That(await store.CorrectFinishAsync("c", new FinishCall("c", null, "1002", 9, CallStatus.Answered, "")), Is.False, "once");
        Assert.That((await store.DueQueuesAsync(10, NoneBusy, IOutboxStore.DefaultTenant)).Calls.Single().Head.Command,
            Is.EqualTo(new FinishCall("c", "B-9", "1002", 240, CallStatus.Answered, "", UserId: 3)));
    }

    [Test]
    public async Task Another_instance_carries_on_with_the_live_calls_their_call_ids_and_their_commands()
    {
        IOutboxStore leader = await Db.OpenOutboxAsync(_clock);
        await leader.AppendAsync([
            new OutboxWrite("first", [Register("first")], "{\"n\":1}", false),
            new OutboxWrite("over", [Finish("over", "B-o")], null, true),
            new OutboxWrite("first", [new ShowCard("first", null, "1001")], "{\"n\":2}", false),
        ]);
        _clock.Advance(TimeSpan.FromSeconds(1));
        await leader.AppendAsync([new OutboxWrite("second", [Register("second")], "{\"n\":3}", false, Tenant: "b.example")]);
        await States(leader).SetBitrixCallIdAsync("first", "B-first");

        IOutboxStore next = await Db.OpenOutboxAsync(_clock);
        Assert.Multiple(async () =>
        {
            Assert.That(await States(next).LiveCallStatesAsync(), Is.EqualTo(new[] { ("first", "{\"n\":2}"), ("second", "{\"n\":3}") }),
                "the last state of each live call, oldest first");
            Assert.That((await States(next).CallIsLiveAsync("first"), await States(next).CallIsLiveAsync("over"), await States(next).KnowsCallAsync("over"),
                await States(next).KnowsCallAsync("never")), Is.EqualTo((true, false, true, false)));
            Assert.That(await States(next).GetBitrixCallIdAsync("first"), Is.EqualTo("B-first"));
            Assert.That(await States(next).GetBitrixCallIdAsync("never"), Is.Null);
            Assert.That(await next.PendingByTenantAsync(), Is.EquivalentTo(new[] { ("", 3L), ("b.example", 1L) }));
            Assert.That(await next.PendingCountAsync("b.example"), Is.EqualTo(1));
            Assert.That((await next.DueQueuesAsync(10, NoneBusy, "b.example")).Calls.Single().Head.Command, Is.EqualTo(Register("second")),
                "each company's queue is its own");
            IReadOnlyList<LaneBacklog> lanes = await next.LanesAsync(IOutboxStore.DefaultTenant);
            Assert.That(lanes.Select(l => (l.Lane, l.Waiting)), Is.EqualTo(new[] { (Lane.Ringing, 2L), (Lane.Finish, 1L) }));
        });
    }

    [Test]
    public async Task Pruning_forgets_what_was_delivered_long_ago_and_ended_calls_with_nothing_left()
    {
        IOutboxStore store = await Db.OpenOutboxAsync(_clock);
        await store.AppendAsync("ended", [Finish("ended", "B-e")], null, callOver: true);
        await store.AppendAsync("live", [Register("live")], "{}", callOver: false);
        foreach (CallQueue queue in (await store.DueQueuesAsync(10, NoneBusy, IOutboxStore.DefaultTenant)).Calls)
        {
            await store.MarkDoneAsync(queue.Head.Id, "ok");
        }

        await store.AppendAsync("waiting", [Finish("waiting", "B-w")], null, callOver: true);
        _clock.Advance(TimeSpan.FromDays(8));

        int deleted = await store.PruneAsync(_clock.GetUtcNow().AddDays(-7));
        Assert.Multiple(async () =>
        {
            Assert.That(deleted, Is.EqualTo(3), "two delivered commands and the ended call");
            Assert.That((await States(store).KnowsCallAsync("ended"), await States(store).KnowsCallAsync("live"), await States(store).KnowsCallAsync("waiting")),
                Is.EqualTo((false, true, true)), "a live call and a call with a command waiting stay");
            Assert.That(await store.PendingCountAsync(), Is.EqualTo(1));
        });
    }

    // The calls' states: the outbox's own store (ICallStates), written by its appends.
    private static ICallStates States(IOutboxStore store) => (ICallStates)store;

    private static RegisterCall Register(string key) => new(key, "ext-" + key, CallType.Inbound, "+79990001122", "line", "1001", null);

    private static FinishCall Finish(string key, string callId) => new(key, callId, "1001", 10, CallStatus.Answered, "");
}
