using System.Security.Cryptography;
using Npgsql;

namespace FsBitrix.Recordings;

/// <summary>
/// <see cref="IRecordingLinkStore"/> on PostgreSQL: one signing key for every instance (the first to ask makes it),
/// so a link made by one instance is valid on all, and its file's path is there for whichever serves it.
/// </summary>
internal sealed class PostgresRecordingLinkStore(NpgsqlDataSource dataSource, TimeProvider time) : IRecordingLinkStore
{
    private const string KeyName = "recording-link-key";

    public async Task<byte[]> KeyAsync(CancellationToken cancellationToken = default)
    {
        await using NpgsqlCommand make = dataSource.CreateCommand("""
            INSERT INTO settings (name, value) VALUES (@name, @value) ON CONFLICT (name) DO NOTHING;
            SELECT value FROM settings WHERE name = @name;
            """);
        make.Parameters.AddWithValue("name", KeyName);
        make.Parameters.AddWithValue("value", Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
        return Convert.FromBase64String((string)(await make.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!);
    }

    public async Task<string> AddAsync(string path, DateTimeOffset expires, CancellationToken cancellationToken = default)
    {
        string id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        await using NpgsqlCommand add = dataSource.CreateCommand("INSERT INTO recordings (id, path, expires_at) VALUES (@id, @path, @exp)");
        add.Parameters.AddWithValue("id", id);
        add.Parameters.AddWithValue("path", path);
        add.Parameters.AddWithValue("exp", expires.ToUnixTimeMilliseconds());
        await add.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return id;
    }

    public async Task<string?> PathOfAsync(string id, CancellationToken cancellationToken = default)
    {
        await using NpgsqlCommand query = dataSource.CreateCommand("SELECT path FROM recordings WHERE id = @id AND expires_at > @now");
        query.Parameters.AddWithValue("id", id);
        query.Parameters.AddWithValue("now", time.GetUtcNow().ToUnixTimeMilliseconds());
        return await query.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
    }

    public async Task<int> PruneAsync(CancellationToken cancellationToken = default)
    {
        await using NpgsqlCommand prune = dataSource.CreateCommand("DELETE FROM recordings WHERE expires_at < @now");
        prune.Parameters.AddWithValue("now", time.GetUtcNow().ToUnixTimeMilliseconds());
        return await prune.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    // The data source is the database's, shared by every store.
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
