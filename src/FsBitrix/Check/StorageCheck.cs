using FsBitrix.Configuration;
using FsBitrix.Storage;
using Npgsql;

namespace FsBitrix.Check;

/// <summary>
/// <c>check</c> on a shared PostgreSQL (<c>Storage:Provider=postgres</c>): the database answers with these credentials,
/// its schema is one this version can run on, and whether an instance leads now (holds the leader lock). Read-only:
/// nothing is migrated or locked here.
/// </summary>
internal static class StorageCheck
{
    public static async Task RunAsync(StorageSettings storage, CheckReport report, CancellationToken cancellationToken)
    {
        var where = new NpgsqlConnectionStringBuilder(storage.ConnectionString);
        report.Section($"Storage: PostgreSQL {where.Host}:{where.Port}/{where.Database}");
        try
        {
            await using NpgsqlDataSource dataSource = NpgsqlDataSource.Create(storage.ConnectionString!);
            int version = await PostgresDatabase.VersionAsync(dataSource, cancellationToken).ConfigureAwait(false);
            if (version > PostgresMigrations.Latest)
            {
                report.Fail($"schema version {version} was written by a newer FsBitrix (this one knows up to {PostgresMigrations.Latest})",
                    "upgrade this FsBitrix to the version the other instances run");
                return;
            }

            report.Ok(version == 0
                ? "reachable; no schema yet (the first instance to start creates it)"
                : $"reachable; schema version {version}{(version < PostgresMigrations.Latest ? $" (this version migrates it to {PostgresMigrations.Latest} at start)" : string.Empty)}");
            await using NpgsqlCommand leader = dataSource.CreateCommand(
                "SELECT l.pid, host(a.client_addr) FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid "
                + "WHERE l.locktype = 'advisory' AND l.granted AND ((l.classid::bigint << 32) | l.objid::bigint) = @key LIMIT 1");
            leader.Parameters.AddWithValue("key", LeaderLock.LockKey);
            await using NpgsqlDataReader row = await leader.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (await row.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                report.Ok($"an instance leads (backend {row.GetInt32(0)}, from {(row.IsDBNull(1) ? "a local socket" : row.GetString(1))})");
            }
            else
            {
                report.Warn("no instance leads now: nobody follows FreeSWITCH or talks to Bitrix24",
                    "start FsBitrix (systemctl start fsbitrix) on at least one host");
            }
        }
        catch (NpgsqlException e)
        {
            report.Fail($"cannot be reached: {e.Message}",
                "check FsBitrix:Storage:ConnectionString (host, port, database, user, password) and pg_hba.conf on the database server");
        }
    }
}
