using Npgsql;

namespace FsBitrix.Storage;

/// <summary>
/// FsBitrix's PostgreSQL database (<c>Storage:ConnectionString</c>): its schema brought to
/// <see cref="PostgresMigrations.Latest"/> before any store uses it. Several instances start against one database:
/// a transaction-scoped advisory lock makes them migrate one at a time, and the later ones find the work done.
/// </summary>
internal static class PostgresDatabase
{
    // FsBitrix's own advisory-lock key for schema changes (any other use of advisory locks picks another).
    private const long MigrationLock = 0x46_73_42_72_78_31; // "FsBrx1"

    /// <exception cref="DatabaseTooNewException">The database was migrated by a newer FsBitrix.</exception>
    public static async Task<NpgsqlDataSource> OpenAsync(string connectionString, CancellationToken cancellationToken = default)
    {
        NpgsqlDataSource dataSource = NpgsqlDataSource.Create(connectionString);
        try
        {
            await MigrateAsync(dataSource, cancellationToken).ConfigureAwait(false);
            return dataSource;
        }
        catch
        {
            await dataSource.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The schema version of the database (0: never migrated).</summary>
    public static async Task<int> VersionAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken = default)
    {
        // Two statements: PostgreSQL resolves every table a statement names before running it, even in a branch not taken.
        await using NpgsqlCommand exists = dataSource.CreateCommand("SELECT to_regclass('fsbitrix_schema') IS NOT NULL");
        if (await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not true)
        {
            return 0;
        }

        await using NpgsqlCommand query = dataSource.CreateCommand("SELECT COALESCE(MAX(version), 0) FROM fsbitrix_schema");
        return Convert.ToInt32(await query.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task MigrateAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using NpgsqlConnection db = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using NpgsqlTransaction tx = await db.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(db, tx, $"SELECT pg_advisory_xact_lock({MigrationLock})", cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(db, tx, "CREATE TABLE IF NOT EXISTS fsbitrix_schema (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())",
            cancellationToken).ConfigureAwait(false);
        await using NpgsqlCommand current = new("SELECT COALESCE(MAX(version), 0) FROM fsbitrix_schema", db, tx);
        int version = Convert.ToInt32(await current.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
        if (version > PostgresMigrations.Latest)
        {
            var where = new NpgsqlConnectionStringBuilder(dataSource.ConnectionString);
            throw new DatabaseTooNewException($"PostgreSQL database {where.Database} on {where.Host}", version, PostgresMigrations.Latest);
        }

        foreach ((int number, string name, string sql) in PostgresMigrations.All.Where(m => m.Version > version))
        {
            await ExecuteAsync(db, tx, sql, cancellationToken).ConfigureAwait(false);
            await using NpgsqlCommand applied = new("INSERT INTO fsbitrix_schema (version, name) VALUES (@version, @name)", db, tx);
            applied.Parameters.AddWithValue("version", number);
            applied.Parameters.AddWithValue("name", name);
            await applied.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task ExecuteAsync(NpgsqlConnection db, NpgsqlTransaction tx, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, db, tx);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
