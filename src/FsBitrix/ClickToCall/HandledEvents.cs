using Microsoft.Data.Sqlite;

namespace FsBitrix.ClickToCall;

/// <summary>
/// The events already acted on, in the service's SQLite file (its own table and connection), so that a repeated
/// delivery of one click never rings the rep twice — not even across a restart. Entries older than the memory
/// window are dropped as new ones arrive.
/// </summary>
internal sealed class HandledEvents : IAsyncDisposable
{
    private readonly SqliteConnection _db;
    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly TimeProvider _time;
    private readonly TimeSpan _memory;
    private DateTimeOffset _nextPurge;

    private HandledEvents(SqliteConnection db, TimeProvider time, TimeSpan memory)
    {
        _db = db;
        _time = time;
        _memory = memory;
    }

    /// <summary>Opens the table in <paramref name="path"/>; open the outbox first, which creates the file.</summary>
    public static HandledEvents Open(string path, TimeProvider time, TimeSpan memory)
    {
        var db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        db.Open();
        using SqliteCommand schema = db.CreateCommand();
        schema.CommandText = """
            PRAGMA busy_timeout = 5000;
            CREATE TABLE IF NOT EXISTS bitrix_events (delivery_key TEXT PRIMARY KEY, received_at INTEGER NOT NULL);
            """;
        schema.ExecuteNonQuery();
        return new HandledEvents(db, time, memory);
    }

    /// <summary>True the first time a key is seen (within the memory window); false for a repeat.</summary>
    public async Task<bool> TryClaimAsync(string deliveryKey, CancellationToken cancellationToken = default)
    {
        DateTimeOffset now = _time.GetUtcNow();
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (now >= _nextPurge)
            {
                Execute("DELETE FROM bitrix_events WHERE received_at < $t", (now - _memory).ToUnixTimeMilliseconds(), null);
                _nextPurge = now + TimeSpan.FromMinutes(10);
            }

            return Execute("INSERT OR IGNORE INTO bitrix_events (delivery_key, received_at) VALUES ($k, $t)",
                now.ToUnixTimeMilliseconds(), deliveryKey) == 1;
        }
        finally
        {
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
        command.Parameters.AddWithValue("$t", time);
        if (key is not null)
        {
            command.Parameters.AddWithValue("$k", key);
        }

        return command.ExecuteNonQuery();
    }
}
