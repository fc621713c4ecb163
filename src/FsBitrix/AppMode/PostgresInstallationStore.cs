using FsBitrix.Bitrix24.Auth;
using FsBitrix.Storage;
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
        await using NpgsqlCommand query = dataSource.CreateCommand(InstallationRows.Select);
        query.With("tenant", tenant);
        await using NpgsqlDataReader r = await query.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await r.ReadAsync(cancellationToken).ConfigureAwait(false) ? InstallationRows.Read(r) : null;
    }

    public async Task SaveAsync(OAuthGrant grant, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(grant);
        await using NpgsqlCommand save = dataSource.CreateCommand(InstallationRows.Upsert);
        await InstallationRows.BindUpsert(save, tenant, grant, time.GetUtcNow()).ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<Uri?> LoadEventsUrlAsync(CancellationToken cancellationToken)
    {
        await using NpgsqlCommand query = dataSource.CreateCommand(InstallationRows.SelectEventsUrl);
        return InstallationRows.EventsUrl(await query.With("tenant", tenant).ExecuteScalarAsync(cancellationToken).ConfigureAwait(false));
    }

    public async Task SaveEventsUrlAsync(Uri url, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(url);
        await using NpgsqlCommand save = dataSource.CreateCommand(InstallationRows.UpsertEventsUrl);
        await save.With("tenant", tenant).With("url", url.AbsoluteUri).ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    // The data source is the database's, shared by every store.
    public void Dispose()
    {
    }
}
