using FsBitrix.Core.Status;
using FsBitrix.Core.Calls;
using FsBitrix.Outbox;
using Microsoft.Extensions.Time.Testing;

namespace FsBitrix.Tests.Outbox;

/// <summary>
/// The outbox prepares each statement once and reuses it (the dispatcher queries at every pass, the writer inserts at
/// every commit). A reused statement must not keep a read open between uses: SQLite could then never copy the frames
/// written after it into the database file, and the write-ahead log would grow for as long as the service runs.
/// </summary>
[CancelAfter(60_000)]
public class PreparedStatementTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private string _folder = null!;

    [SetUp]
    public void CreateFolder() => _folder = Directory.CreateTempSubdirectory("fsbitrix-prepared").FullName;

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_folder, recursive: true);

    [Test]
    public async Task A_second_call_s_whole_delivery_prepares_no_statement_the_first_did_not()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using SqliteOutboxStore store = await SqliteOutboxStore.OpenAsync(Path.Combine(_folder, "o.db"), clock, CancellationToken.None);

        await DeliverWholeCallAsync(store, clock, "call-1", "1");
        int prepared = store.PreparedStatementCount;
        await DeliverWholeCallAsync(store, clock, "call-2", "2");
        await DeliverWholeCallAsync(store, clock, "call-3", "3");

        Assert.That(prepared, Is.GreaterThanOrEqualTo(8), "append, finish check, state, due heads, next due, cards, done, retry");
        Assert.That(store.PreparedStatementCount, Is.EqualTo(prepared));
    }

    [Test]
    public async Task The_dispatcher_s_queries_are_not_planned_again_when_their_limit_changes()
    {
        // Each pass binds a new LIMIT (the free slots plus the busy calls); SQLite would re-plan the statement for it.
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using SqliteOutboxStore store = await SqliteOutboxStore.OpenAsync(Path.Combine(_folder, "o.db"), clock, CancellationToken.None);

        await DeliverWholeCallAsync(store, clock, "call-1", "1");
        await store.AppendAsync("call-2", [new RegisterCall("call-2", "call-2", CallType.Inbound, "+79161234567", "74951234567", null,
            clock.GetUtcNow())], "{}", callOver: false);
        for (int max = 1; max <= 4; max++)
        {
            await store.DueQueuesAsync(max, new HashSet<string> { "call-2" }, IOutboxStore.DefaultTenant);
            await store.DueQueuesAsync(max, new HashSet<string>(), IOutboxStore.DefaultTenant);
        }

        Assert.That(store.StatementReprepares, Is.Zero);
    }

    [Test]
    public async Task Reused_statements_hold_no_read_and_the_checkpoint_copies_every_frame()
    {
        var clock = new HourTimerClock();
        await using SqliteOutboxStore store = await SqliteOutboxStore.OpenAsync(Path.Combine(_folder, "o.db"), clock, CancellationToken.None,
            checkpoints: new WalCheckpointOptions { CommitsPerCheckpoint = int.MaxValue, Interval = TimeSpan.FromHours(1) });

        // Every read the store does, then commits after them: a read left open would pin the log before those commits.
        // (The calls move the clock by seconds for their cards; the hour keeps the checkpoint from running among them.)
        await DeliverWholeCallAsync(store, clock, "call-1", "1");
        await store.GetBitrixCallIdAsync("call-1");
        await store.KnowsCallAsync("call-1");
        await store.PendingCountAsync();
        await store.PendingAttemptsAsync();
        await store.LiveCallStatesAsync();
        await DeliverWholeCallAsync(store, clock, "call-2", "2");

        var checkpoints = new TaskCompletionSource<WalCheckpoint>(TaskCreationOptions.RunContinuationsAsynchronously);
        store.Checkpointer.Checkpointed += c => checkpoints.TrySetResult(c);

        // The checkpointer's loop starts its hour on a pool thread: on a busy machine that can be after the calls.
        await clock.HourTimerStarted.WaitAsync(Patience);
        clock.Advance(TimeSpan.FromHours(1));
        WalCheckpoint done = await checkpoints.Task.WaitAsync(Patience);

        Assert.That(done.LogFrames, Is.GreaterThan(0));
        Assert.That(done, Is.EqualTo(new WalCheckpoint(false, done.LogFrames, done.LogFrames)), "every frame copied");
    }

    [Test]
    public async Task Forgetting_old_finishes_at_each_finish_reads_only_the_expired_rows()
    {
        // Every finish first drops the CALL_IDs finished more than a day ago, inside the commit the finish waits for.
        // Without an index on their age that is a scan of a day's calls (20,000 rows at a busy office) per finish.
        string path = Path.Combine(_folder, "o.db");
        await using SqliteOutboxStore store = await SqliteOutboxStore.OpenAsync(path, TimeProvider.System, CancellationToken.None);
        await using var db = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path}");
        await db.OpenAsync();
        await using Microsoft.Data.Sqlite.SqliteCommand plan = db.CreateCommand();
        plan.CommandText = "EXPLAIN QUERY PLAN DELETE FROM finished_calls WHERE finished_at < 1";
        await using Microsoft.Data.Sqlite.SqliteDataReader reader = await plan.ExecuteReaderAsync();
        var steps = new List<string>();
        while (await reader.ReadAsync())
        {
            steps.Add(reader.GetString(3));
        }

        Assert.That(steps, Has.Some.Contains("USING COVERING INDEX finished_calls_age").Or.Some.Contains("USING INDEX finished_calls_age"));
    }

    /// <summary>What the tracker and the dispatcher do for one ringing, answered, finished call (one failed attempt).</summary>
    private static async Task DeliverWholeCallAsync(SqliteOutboxStore store, FakeTimeProvider clock, string key, string callId)
    {
        await store.AppendAsync(key, [new RegisterCall(key, key, CallType.Inbound, "+79161234567", "74951234567", null, clock.GetUtcNow())],
            "{}", callOver: false);
        OutboxEntry register = await SingleDueAsync(store, key);
        await store.MarkRetryAsync(register.Id, "503", clock.GetUtcNow(), ambiguous: false);
        register = await SingleDueAsync(store, key);
        await store.MarkDoneAsync(register.Id, "registered");
        await store.SetBitrixCallIdAsync(key, callId);

        await store.AppendAsync(key, [new ShowCard(key, callId, "101"), new ShowCard(key, callId, "102")], "{}", callOver: false);
        Assert.That((await store.DueQueuesAsync(10, new HashSet<string>(), IOutboxStore.DefaultTenant)).NextDue, Is.Not.Null, "the cards wait for their siblings");
        clock.Advance(TimeSpan.FromSeconds(1));
        OutboxEntry cards = await SingleDueAsync(store, key);
        foreach (long id in cards.AllIds)
        {
            await store.MarkDoneAsync(id, "shown");
        }

        await store.AppendAsync(key, [new FinishCall(key, callId, "101", 42, CallStatus.Answered, string.Empty)], null, callOver: true);
        await store.MarkDoneAsync((await SingleDueAsync(store, key)).Id, "finished");
    }

    private static async Task<OutboxEntry> SingleDueAsync(SqliteOutboxStore store, string key)
    {
        DueQueues due = await store.DueQueuesAsync(10, new HashSet<string>(), IOutboxStore.DefaultTenant);
        Assert.That(due.Calls.Select(c => c.CallKey), Is.EqualTo(new[] { key }));
        return due.Calls[0].Head with { Followers = [.. due.Calls[0].Pending.Skip(1)] };
    }

    /// <summary>A fake clock that tells when the checkpointer's hour-long wait has started (advancing before it would miss it).</summary>
    private sealed class HourTimerClock() : FakeTimeProvider(DateTimeOffset.UtcNow)
    {
        private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task HourTimerStarted => _started.Task;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            ITimer timer = base.CreateTimer(callback, state, dueTime, period);
            if (dueTime == TimeSpan.FromHours(1))
            {
                _started.TrySetResult();
            }

            return timer;
        }
    }
}
