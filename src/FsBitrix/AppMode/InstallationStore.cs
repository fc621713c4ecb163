using FsBitrix.Bitrix24.Auth;
using FsBitrix.Storage;
using Microsoft.Data.Sqlite;

namespace FsBitrix.AppMode;

/// <summary>
/// A local application's installation on one portal (tokens, member_id, application_token) in the outbox's SQLite
/// file, which the outbox creates readable by the service user only. One row per company: the default portal's under
/// the empty key, each company of <c>FsBitrix:Tenants</c> under its domain.
/// </summary>
internal sealed class InstallationStore : IInstallationStore
{
    private readonly string _connection;
    private readonly string _tenant;
    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly TimeProvider _time;

    /// <summary>Opens its tables in the service database at <paramref name="path"/>.</summary>
    /// <param name="tenant">The company whose installation this is: empty for the default portal, else its domain key.</param>
    public InstallationStore(string path, TimeProvider time, string tenant = "")
    {
        _time = time;
        _tenant = tenant;
        // Its tables come with the service database's schema (Storage/SchemaMigrations).
        _connection = Storage.ServiceDatabase.Prepare(path);
    }

    public Task<OAuthGrant?> LoadAsync(CancellationToken cancellationToken) => UseAsync(db =>
    {
        using SqliteCommand query = db.CreateCommand();
        query.CommandText = InstallationRows.Select;
        query.With("tenant", _tenant);
        using SqliteDataReader r = query.ExecuteReader();
        return r.Read() ? InstallationRows.Read(r) : null;
    }, cancellationToken);

    public Task SaveAsync(OAuthGrant grant, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(grant);
        return UseAsync(db =>
        {
            using SqliteCommand save = db.CreateCommand();
            save.CommandText = InstallationRows.Upsert;
            return InstallationRows.BindUpsert(save, _tenant, grant, _time.GetUtcNow()).ExecuteNonQuery();
        }, cancellationToken);
    }

    /// <summary>
    /// Where the portal reached the last install: online events are bound there, and bound there again after an app
    /// update dropped the rows, even when <c>Bitrix:PublicUrl</c> is unset.
    /// </summary>
    public Task<Uri?> LoadEventsUrlAsync(CancellationToken cancellationToken) => UseAsync(db =>
    {
        using SqliteCommand query = db.CreateCommand();
        query.CommandText = InstallationRows.SelectEventsUrl;
        return InstallationRows.EventsUrl(query.With("tenant", _tenant).ExecuteScalar());
    }, cancellationToken);

    public Task SaveEventsUrlAsync(Uri url, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(url);
        return UseAsync(db =>
        {
            using SqliteCommand save = db.CreateCommand();
            save.CommandText = InstallationRows.UpsertEventsUrl;
            return save.With("tenant", _tenant).With("url", url.AbsoluteUri).ExecuteNonQuery();
        }, cancellationToken);
    }

    public void Dispose() => _lock.Dispose();

    // One statement at a time on a connection of its own, so a slow disk never holds the outbox's connection.
    private async Task<T> UseAsync<T>(Func<SqliteConnection, T> work, CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using SqliteConnection db = Open();
            return work(db);
        }
        finally
        {
            _lock.Release();
        }
    }

    private SqliteConnection Open()
    {
        var db = new SqliteConnection(_connection);
        db.Open();
        using SqliteCommand busy = db.CreateCommand();
        busy.CommandText = "PRAGMA busy_timeout = 5000;";
        busy.ExecuteNonQuery();
        return db;
    }
}
