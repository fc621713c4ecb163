using FsBitrix.Storage;
using Microsoft.Data.Sqlite;

namespace FsBitrix.ClickToCall;

/// <summary>
/// The events already acted on, in the service's SQLite file (its own tables and connection), so that a repeated
/// delivery of one click never rings the rep twice — not even across a restart. Entries older than the memory
/// window are dropped as new ones arrive. Each accepted event is also kept as an attempt (accepted → originating →
/// done, see <see cref="ClickAttempt"/>), so one the service stopped on is finished after the restart.
/// </summary>
internal sealed partial class HandledEvents : IHandledEvents
{
    private readonly SqliteConnection _db;
    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly TimeProvider _time;
    private readonly TimeSpan _memory;
    private DateTimeOffset _nextPurge;
    private SqliteTransaction? _tx;

    private HandledEvents(SqliteConnection db, TimeProvider time, TimeSpan memory)
    {
        _db = db;
        _time = time;
        _memory = memory;
    }

    /// <summary>Opens its tables in the service database at <paramref name="path"/> (Storage/SchemaMigrations).</summary>
    public static HandledEvents Open(string path, TimeProvider time, TimeSpan memory)
    {
        var db = new SqliteConnection(Storage.ServiceDatabase.Prepare(path));
        db.Open();
        using SqliteCommand busy = db.CreateCommand();
        busy.CommandText = "PRAGMA busy_timeout = 5000;";
        busy.ExecuteNonQuery();
        return new HandledEvents(db, time, memory);
    }

    /// <summary>True the first time a key is seen (within the memory window); false for a repeat.</summary>
    public async Task<bool> TryClaimAsync(string deliveryKey, CancellationToken cancellationToken = default) =>
        await TryClaimAsync(deliveryKey, null, cancellationToken).ConfigureAwait(false);

    /// <summary>Claims the event's key and records it as accepted, in one transaction: a claim is never without its attempt.</summary>
    public async Task<bool> TryAcceptAsync(ClickAttempt attempt, CancellationToken cancellationToken = default) =>
        await TryClaimAsync(attempt.Event.DeliveryKey, attempt, cancellationToken).ConfigureAwait(false);

    private async Task<bool> TryClaimAsync(string deliveryKey, ClickAttempt? attempt, CancellationToken cancellationToken)
    {
        DateTimeOffset now = _time.GetUtcNow();
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (now >= _nextPurge)
            {
                Execute(AttemptRows.PurgeEvents, (now - _memory).ToUnixTimeMilliseconds(), null);
                Execute(AttemptRows.PurgeAttempts, (now - _memory).ToUnixTimeMilliseconds(), null);
                _nextPurge = now + TimeSpan.FromMinutes(10);
            }

            using SqliteTransaction tx = _tx = _db.BeginTransaction();
            bool first = Execute(AttemptRows.Claim, now.ToUnixTimeMilliseconds(), deliveryKey) == 1;
            if (first && attempt is not null)
            {
                Save(attempt with { AcceptedAt = now });
            }

            tx.Commit();
            return first;
        }
        finally
        {
            _tx = null;
            _lock.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _db.DisposeAsync().ConfigureAwait(false);
        _lock.Dispose();
    }

    private int Execute(string sql, long time, string? key)
    {
        using SqliteCommand command = _db.CreateCommand();
        command.CommandText = sql;
        command.Transaction = _tx;
        command.With("t", time);
        if (key is not null)
        {
            command.With("k", key);
        }

        return command.ExecuteNonQuery();
    }
}
