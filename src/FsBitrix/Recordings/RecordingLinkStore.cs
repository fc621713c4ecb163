using System.Security.Cryptography;
using Microsoft.Data.Sqlite;

namespace FsBitrix.Recordings;

/// <summary><see cref="IRecordingLinkStore"/> in the service's SQLite file (tables <c>recordings</c> and <c>settings</c>).</summary>
internal sealed class RecordingLinkStore : IRecordingLinkStore
{
    private const string KeyName = "recording-link-key";

    private readonly SqliteConnection _db;
    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly TimeProvider _time;

    private RecordingLinkStore(SqliteConnection db, TimeProvider time)
    {
        _db = db;
        _time = time;
    }

    /// <summary>Opens its tables in the service database at <paramref name="path"/> (Storage/SchemaMigrations).</summary>
    public static RecordingLinkStore Open(string path, TimeProvider time)
    {
        var db = new SqliteConnection(Storage.ServiceDatabase.Prepare(path));
        db.Open();
        using SqliteCommand busy = db.CreateCommand();
        busy.CommandText = "PRAGMA busy_timeout = 5000;";
        busy.ExecuteNonQuery();
        return new RecordingLinkStore(db, time);
    }

    public Task<byte[]> KeyAsync(CancellationToken cancellationToken = default) => UseAsync(db =>
    {
        Execute(db, "INSERT OR IGNORE INTO settings (name, value) VALUES ($name, $value)",
            ("$name", KeyName), ("$value", Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))));
        using SqliteCommand query = Command(db, "SELECT value FROM settings WHERE name = $name", ("$name", KeyName));
        return Convert.FromBase64String((string)query.ExecuteScalar()!);
    }, cancellationToken);

    public Task<string> AddAsync(string path, DateTimeOffset expires, CancellationToken cancellationToken = default) => UseAsync(db =>
    {
        string id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        Execute(db, "INSERT INTO recordings (id, path, expires_at) VALUES ($id, $path, $exp)",
            ("$id", id), ("$path", path), ("$exp", expires.ToUnixTimeMilliseconds()));
        return id;
    }, cancellationToken);

    public Task<string?> PathOfAsync(string id, CancellationToken cancellationToken = default) => UseAsync(db =>
    {
        using SqliteCommand query = Command(db, "SELECT path FROM recordings WHERE id = $id AND expires_at > $now",
            ("$id", id), ("$now", _time.GetUtcNow().ToUnixTimeMilliseconds()));
        return query.ExecuteScalar() as string;
    }, cancellationToken);

    public Task<int> PruneAsync(CancellationToken cancellationToken = default) => UseAsync(db =>
        Execute(db, "DELETE FROM recordings WHERE expires_at < $now", ("$now", _time.GetUtcNow().ToUnixTimeMilliseconds())), cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _db.DisposeAsync().ConfigureAwait(false);
        _lock.Dispose();
    }

    private async Task<T> UseAsync<T>(Func<SqliteConnection, T> work, CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return work(_db);
        }
        finally
        {
            _lock.Release();
        }
    }

    private static int Execute(SqliteConnection db, string sql, params (string Name, object Value)[] parameters)
    {
        using SqliteCommand command = Command(db, sql, parameters);
        return command.ExecuteNonQuery();
    }

    private static SqliteCommand Command(SqliteConnection db, string sql, params (string Name, object Value)[] parameters)
    {
        SqliteCommand command = db.CreateCommand();
        command.CommandText = sql;
        foreach ((string name, object value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return command;
    }
}
