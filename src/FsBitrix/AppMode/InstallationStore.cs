using FsBitrix.Bitrix24.Auth;
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
        query.CommandText = """
            SELECT member_id, domain, client_endpoint, server_endpoint, application_token, access_token, refresh_token,
                   expires_at, scope, user_id, refusal
            FROM app_installations WHERE tenant = $tenant
            """;
        query.Parameters.AddWithValue("$tenant", _tenant);
        using SqliteDataReader r = query.ExecuteReader();
        return r.Read()
            ? new OAuthGrant
            {
                MemberId = r.GetString(0),
                Domain = r.GetString(1),
                ClientEndpoint = new Uri(r.GetString(2)),
                ServerEndpoint = r.IsDBNull(3) ? null : new Uri(r.GetString(3)),
                ApplicationToken = r.GetString(4),
                AccessToken = r.GetString(5),
                RefreshToken = r.GetString(6),
                ExpiresAt = DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(7)),
                Scope = r.GetString(8),
                UserId = r.IsDBNull(9) ? null : r.GetInt32(9),
                Refusal = r.IsDBNull(10) ? null : r.GetString(10),
            }
            : null;
    }, cancellationToken);

    public Task SaveAsync(OAuthGrant grant, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(grant);
        return UseAsync(db =>
        {
            using SqliteCommand save = db.CreateCommand();
            save.CommandText = """
                INSERT OR REPLACE INTO app_installations (tenant, member_id, domain, client_endpoint, server_endpoint, application_token,
                    access_token, refresh_token, expires_at, scope, user_id, refusal, saved_at)
                VALUES ($tenant, $member, $domain, $client, $server, $app, $access, $refresh, $expires, $scope, $user, $refusal, $now)
                """;
            save.Parameters.AddWithValue("$tenant", _tenant);
            save.Parameters.AddWithValue("$member", grant.MemberId);
            save.Parameters.AddWithValue("$domain", grant.Domain);
            save.Parameters.AddWithValue("$client", grant.ClientEndpoint.AbsoluteUri);
            save.Parameters.AddWithValue("$server", (object?)grant.ServerEndpoint?.AbsoluteUri ?? DBNull.Value);
            save.Parameters.AddWithValue("$app", grant.ApplicationToken);
            save.Parameters.AddWithValue("$access", grant.AccessToken);
            save.Parameters.AddWithValue("$refresh", grant.RefreshToken);
            save.Parameters.AddWithValue("$expires", grant.ExpiresAt.ToUnixTimeMilliseconds());
            save.Parameters.AddWithValue("$scope", grant.Scope);
            save.Parameters.AddWithValue("$user", (object?)grant.UserId ?? DBNull.Value);
            save.Parameters.AddWithValue("$refusal", (object?)grant.Refusal ?? DBNull.Value);
            save.Parameters.AddWithValue("$now", _time.GetUtcNow().ToUnixTimeMilliseconds());
            return save.ExecuteNonQuery();
        }, cancellationToken);
    }

    /// <summary>
    /// Where the portal reached the last install: online events are bound there, and bound there again after an app
    /// update dropped the rows, even when <c>Bitrix:PublicUrl</c> is unset.
    /// </summary>
    public Task<Uri?> LoadEventsUrlAsync(CancellationToken cancellationToken) => UseAsync(db =>
    {
        using SqliteCommand query = db.CreateCommand();
        query.CommandText = "SELECT url FROM app_events_urls WHERE tenant = $tenant";
        query.Parameters.AddWithValue("$tenant", _tenant);
        return query.ExecuteScalar() is string url && Uri.TryCreate(url, UriKind.Absolute, out Uri? events) ? events : null;
    }, cancellationToken);

    public Task SaveEventsUrlAsync(Uri url, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(url);
        return UseAsync(db =>
        {
            using SqliteCommand save = db.CreateCommand();
            save.CommandText = "INSERT OR REPLACE INTO app_events_urls (tenant, url) VALUES ($tenant, $url)";
            save.Parameters.AddWithValue("$tenant", _tenant);
            save.Parameters.AddWithValue("$url", url.AbsoluteUri);
            return save.ExecuteNonQuery();
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
