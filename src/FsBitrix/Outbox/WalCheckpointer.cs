using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace FsBitrix.Outbox;

/// <summary>
/// Copies the outbox's write-ahead log into the database file on a connection and a task of its own. SQLite would
/// otherwise do it inside whichever commit crosses its 1,000-page mark, and that commit would pay for two fsyncs
/// (milliseconds on a virtual disk) while a call's register or finish waits behind it. A passive checkpoint never
/// blocks the writer, so commits go on while it runs.
/// </summary>
internal sealed partial class WalCheckpointer : IAsyncDisposable
{
    private readonly SqliteConnection _db;
    private readonly WalCheckpointOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _due = new(0, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _commits;

    private WalCheckpointer(SqliteConnection db, WalCheckpointOptions options, TimeProvider time, ILogger logger)
    {
        _db = db;
        _options = options;
        _time = time;
        _logger = logger;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>After each checkpoint (tests and diagnostics), on the checkpointer's task.</summary>
    public event Action<WalCheckpoint>? Checkpointed;

    public static async Task<WalCheckpointer> StartAsync(string connectionString, WalCheckpointOptions options, TimeProvider time,
        ILogger logger, CancellationToken cancellationToken)
    {
        var db = new SqliteConnection(connectionString);
        await db.OpenAsync(cancellationToken).ConfigureAwait(false);
        return new WalCheckpointer(db, options, time, logger);
    }

    /// <summary>Called after every commit of the outbox connection; cheap: a wake-up only every so many commits.</summary>
    public void Committed()
    {
        if (Interlocked.Increment(ref _commits) == _options.CommitsPerCheckpoint && _due.CurrentCount == 0)
        {
            try
            {
                _due.Release();
            }
            catch (SemaphoreFullException)
            {
                // Already signalled by another commit.
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopping is what was asked for; closing the last connection checkpoints anyway.
        }

        await _db.DisposeAsync().ConfigureAwait(false);
        _due.Dispose();
        _stop.Dispose();
    }

    private async Task RunAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            // A commit that waits here for up to an interval is in the log already: only its copy into the file waits.
            using var round = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            Task signalled = _due.WaitAsync(round.Token);
            Task ticked = Task.Delay(_options.Interval, _time, round.Token);
            await Task.WhenAny(signalled, ticked).ConfigureAwait(false);
            await round.CancelAsync().ConfigureAwait(false);
            _stop.Token.ThrowIfCancellationRequested();
            if (Interlocked.Exchange(ref _commits, 0) > 0)
            {
                Checkpoint();
            }
        }
    }

    private void Checkpoint()
    {
        try
        {
            using SqliteCommand command = _db.CreateCommand();
            command.CommandText = "PRAGMA wal_checkpoint(PASSIVE)";
            using SqliteDataReader reader = command.ExecuteReader();
            reader.Read();
            Checkpointed?.Invoke(new WalCheckpoint(reader.GetInt32(0) != 0, reader.GetInt64(1), reader.GetInt64(2)));
        }
#pragma warning disable CA1031 // whatever failed, the log still holds every commit: the loop must go on
        catch (Exception ex)
#pragma warning restore CA1031
        {
            // Nothing waits on it: the log keeps every commit, and a later round copies it.
            Interlocked.Increment(ref _commits);
            LogFailed(ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Copying the outbox's write-ahead log into the database failed; trying again shortly")]
    private partial void LogFailed(Exception exception);
}

internal sealed class WalCheckpointOptions
{
    /// <summary>At ~5 pages a commit, near SQLite's own 1,000-page mark.</summary>
    public int CommitsPerCheckpoint { get; init; } = 200;

    /// <summary>
    /// A quiet PBX still gets its log copied within this time of a commit, and synced: with <c>synchronous = NORMAL</c>
    /// the checkpoint is what puts the log on the disk.
    /// </summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(1);
}

/// <param name="Busy">The checkpoint could not finish (a reader held it back).</param>
/// <param name="LogFrames">Frames in the log.</param>
/// <param name="CheckpointedFrames">Frames now copied into the database file.</param>
internal sealed record WalCheckpoint(bool Busy, long LogFrames, long CheckpointedFrames);
