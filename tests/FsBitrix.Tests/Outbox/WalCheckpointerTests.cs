using FsBitrix.Core.Calls;
using FsBitrix.Outbox;
using Microsoft.Extensions.Time.Testing;

namespace FsBitrix.Tests.Outbox;

/// <summary>
/// The outbox's commits never copy the write-ahead log into the database file (that costs two fsyncs, and the commit
/// that paid for them delayed a register or finish by milliseconds): the checkpointer does, beside them.
/// </summary>
[CancelAfter(60_000)]
public class WalCheckpointerTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private const int FrameBytes = 4096 + 24;
    private string _folder = null!;

    [SetUp]
    public void CreateFolder() => _folder = Directory.CreateTempSubdirectory("fsbitrix-wal").FullName;

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_folder, recursive: true);

    [Test]
    public async Task Commits_leave_the_log_to_the_checkpointer_which_copies_it_all_when_its_interval_comes()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        string path = Path.Combine(_folder, "o.db");
        await using SqliteOutboxStore store = await SqliteOutboxStore.OpenAsync(path, clock, CancellationToken.None,
            checkpoints: new WalCheckpointOptions { CommitsPerCheckpoint = int.MaxValue, Interval = TimeSpan.FromSeconds(1) });
        var checkpoints = new TaskCompletionSource<WalCheckpoint>(TaskCreationOptions.RunContinuationsAsynchronously);
        store.Checkpointer.Checkpointed += c => checkpoints.TrySetResult(c);

        // A state of 16 KB makes each commit five pages or more: 300 commits pass SQLite's own 1,000-page mark.
        string state = "{\"pad\":\"" + new string('x', 16 * 1024) + "\"}";
        for (int i = 0; i < 300; i++)
        {
            await store.AppendAsync("call" + i, [Register("call" + i)], state, callOver: false);
        }

        long logBytes = new FileInfo(path + "-wal").Length;
        Assert.That(checkpoints.Task.IsCompleted, Is.False, "no checkpoint before the interval");
        Assert.That(logBytes, Is.GreaterThan(1300L * FrameBytes), "a commit past 1,000 pages checkpointed (the log was reset and reused)");

        clock.Advance(TimeSpan.FromSeconds(1));
        WalCheckpoint done = await checkpoints.Task.WaitAsync(Patience);

        Assert.That(done, Is.EqualTo(new WalCheckpoint(false, done.LogFrames, done.LogFrames)), "every frame copied");
        Assert.That(done.LogFrames, Is.GreaterThan(1300));
    }

    [Test]
    public async Task A_busy_outbox_is_checkpointed_every_so_many_commits_without_waiting_for_the_clock()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using SqliteOutboxStore store = await SqliteOutboxStore.OpenAsync(Path.Combine(_folder, "o.db"), clock, CancellationToken.None,
            checkpoints: new WalCheckpointOptions { CommitsPerCheckpoint = 10, Interval = TimeSpan.FromHours(1) });
        var checkpoints = new TaskCompletionSource<WalCheckpoint>(TaskCreationOptions.RunContinuationsAsynchronously);
        store.Checkpointer.Checkpointed += c => checkpoints.TrySetResult(c);

        for (int i = 0; i < 9; i++)
        {
            await store.AppendAsync("call" + i, [Register("call" + i)], "{}", callOver: false);
        }

        Assert.That(checkpoints.Task.IsCompleted, Is.False, "nine commits, no checkpoint yet");
        await store.MarkDoneAsync(1, "registered");
        WalCheckpoint done = await checkpoints.Task.WaitAsync(Patience);

        Assert.That(done.LogFrames, Is.GreaterThan(0));
        Assert.That(done.CheckpointedFrames, Is.EqualTo(done.LogFrames));
    }

    private static RegisterCall Register(string key) =>
        new(key, key, CallType.Inbound, "+79161234567", "74951234567", null, DateTimeOffset.UtcNow);
}
