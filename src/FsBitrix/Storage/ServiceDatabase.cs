using Microsoft.Data.Sqlite;

namespace FsBitrix.Storage;

/// <summary>
/// The service's database (<c>Storage:Path</c>, SQLite): one file, created readable by the service user only (app
/// mode's tokens live in it), in WAL mode, its schema brought to <see cref="SchemaMigrations.Latest"/> before any
/// feature's store opens it. Every store opens it through <see cref="Prepare"/> (cheap once done: one read of the
/// version), so none creates a table of its own.
/// </summary>
internal static class ServiceDatabase
{
    /// <returns>The connection string the stores open their connections with.</returns>
    /// <exception cref="DatabaseTooNewException">The file was written by a newer FsBitrix.</exception>
    public static string Prepare(string path)
    {
        string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null)
        {
            Directory.CreateDirectory(folder);
        }

        bool created = !File.Exists(path);
        string connectionString = new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString();
        using var db = new SqliteConnection(connectionString);
        db.Open();
        if (created && !OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        Execute(db, "PRAGMA busy_timeout = 5000; PRAGMA journal_mode = WAL;");
        if (Version(db, null) != SchemaMigrations.Latest)
        {
            Migrate(db, path);
        }

        return connectionString;
    }

    /// <summary>The schema version of the file (0: never numbered).</summary>
    public static int Version(string path)
    {
        using var db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false, Mode = SqliteOpenMode.ReadOnly }.ToString());
        db.Open();
        return Version(db, null);
    }

    // BEGIN IMMEDIATE: stores opening at once at start-up take turns, and the second finds the work done.
    private static void Migrate(SqliteConnection db, string path)
    {
        using SqliteTransaction tx = db.BeginTransaction(deferred: false);
        int version = Version(db, tx);
        if (version > SchemaMigrations.Latest)
        {
            throw new DatabaseTooNewException(path, version, SchemaMigrations.Latest);
        }

        foreach (Migration migration in SchemaMigrations.All.Where(m => m.Version > version))
        {
            migration.Apply(db, tx);
            Execute(db, $"PRAGMA user_version = {migration.Version}", tx);
        }

        tx.Commit();
    }

    private static int Version(SqliteConnection db, SqliteTransaction? tx)
    {
        using SqliteCommand query = db.CreateCommand();
        query.Transaction = tx;
        query.CommandText = "PRAGMA user_version";
        return Convert.ToInt32(query.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static void Execute(SqliteConnection db, string sql, SqliteTransaction? tx = null)
    {
        using SqliteCommand command = db.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
