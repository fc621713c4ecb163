using FsBitrix.Bitrix24.Auth;
using Npgsql;

namespace FsBitrix.AppMode;

/// <summary>
/// <see cref="IInstallationStore"/> on PostgreSQL: one row per company (the default portal's under the empty key),
/// shared by every FsBitrix instance, so the instance that takes over renews with the tokens the last one saved.
/// </summary>
internal sealed class PostgresInstallationStore(NpgsqlDataSource dataSource, TimeProvider time, string tenant = "") : IInstallationStore
{
    public async Task<OAuthGrant?> LoadAsync(CancellationToken cancellationToken)
    {
        await using NpgsqlCommand query = dataSource.CreateCommand("""
            SELECT member_id, domain, client_endpoint, server_endpoint, application_token, access_token, refresh_token,
                   expires_at, scope, user_id, refusal
            FROM app_installations WHERE tenant = @tenant
            """);
        query.Parameters.AddWithValue("tenant", tenant);
        await using NpgsqlDataReader r = await query.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await r.ReadAsync(cancellationToken).ConfigureAwait(false)
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
    }

    public async Task SaveAsync(OAuthGrant grant, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(grant);
        await using NpgsqlCommand save = dataSource.CreateCommand("""
            INSERT INTO app_installations (tenant, member_id, domain, client_endpoint, server_endpoint, application_token,
                access_token, refresh_token, expires_at, scope, user_id, refusal, saved_at)
            VALUES (@tenant, @member, @domain, @client, @server, @app, @access, @refresh, @expires, @scope, @user, @refusal, @now)
            ON CONFLICT (tenant) DO UPDATE SET member_id = excluded.member_id, domain = excluded.domain,
                client_endpoint = excluded.client_endpoint, server_endpoint = excluded.server_endpoint,
                application_token = excluded.application_token, access_token = excluded.access_token,
                refresh_token = excluded.refresh_token, expires_at = excluded.expires_at, scope = excluded.scope,
                user_id = excluded.user_id, refusal = excluded.refusal, saved_at = excluded.saved_at
            """);
        save.Parameters.AddWithValue("tenant", tenant);
        save.Parameters.AddWithValue("member", grant.MemberId);
        save.Parameters.AddWithValue("domain", grant.Domain);
        save.Parameters.AddWithValue("client", grant.ClientEndpoint.AbsoluteUri);
        save.Parameters.AddWithValue("server", (object?)grant.ServerEndpoint?.AbsoluteUri ?? DBNull.Value);
        save.Parameters.AddWithValue("app", grant.ApplicationToken);
        save.Parameters.AddWithValue("access", grant.AccessToken);
        save.Parameters.AddWithValue("refresh", grant.RefreshToken);
        save.Parameters.AddWithValue("expires", grant.ExpiresAt.ToUnixTimeMilliseconds());
        save.Parameters.AddWithValue("scope", grant.Scope);
        save.Parameters.AddWithValue("user", (object?)grant.UserId ?? DBNull.Value);
        save.Parameters.AddWithValue("refusal", (object?)grant.Refusal ?? DBNull.Value);
        save.Parameters.AddWithValue("now", time.GetUtcNow().ToUnixTimeMilliseconds());
        await save.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<Uri?> LoadEventsUrlAsync(CancellationToken cancellationToken)
    {
        await using NpgsqlCommand query = dataSource.CreateCommand("SELECT url FROM app_events_urls WHERE tenant = @tenant");
        query.Parameters.AddWithValue("tenant", tenant);
        return await query.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is string url && Uri.TryCreate(url, UriKind.Absolute, out Uri? events)
            ? events
            : null;
    }

    public async Task SaveEventsUrlAsync(Uri url, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(url);
        await using NpgsqlCommand save = dataSource.CreateCommand(
            "INSERT INTO app_events_urls (tenant, url) VALUES (@tenant, @url) ON CONFLICT (tenant) DO UPDATE SET url = excluded.url");
        save.Parameters.AddWithValue("tenant", tenant);
        save.Parameters.AddWithValue("url", url.AbsoluteUri);
        await save.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    // The data source is the database's, shared by every store.
    public void Dispose()
    {
    }
}
