using FsBitrix.Outbox;
using FsBitrix.Storage;
using FsBitrix.Tests.Support;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace FsBitrix.Tests.Storage;

/// <summary>
/// One test's database of the provider a contract fixture runs on: a SQLite file of its own, or a PostgreSQL database
/// of its own (migrated), both deleted afterwards with every store opened on it.
/// </summary>
internal sealed class ProviderDatabase : IAsyncDisposable
{
    private readonly List<IAsyncDisposable> _opened = [];
    private readonly TestPostgres? _postgres;

    private ProviderDatabase(TestPostgres? postgres, NpgsqlDataSource? dataSource, string? sqlitePath)
    {
        _postgres = postgres;
        DataSource = dataSource;
        SqlitePath = sqlitePath;
    }

    /// <summary>Set on PostgreSQL: the stores' data source (another instance opens its own on <see cref="ConnectionString"/>).</summary>
    public NpgsqlDataSource? DataSource { get; }

    public string? ConnectionString => _postgres?.ConnectionString;

    /// <summary>Set on SQLite: the file every store opens.</summary>
    public string? SqlitePath { get; }

    public static async Task<ProviderDatabase> CreateAsync(string provider)
    {
        if (provider != "postgres")
        {
            return new ProviderDatabase(null, null, Path.Combine(Path.GetTempPath(), $"fsbitrix-store-{Guid.NewGuid():N}.db"));
        }

        TestPostgres postgres = await TestPostgres.CreateAsync();
        return new ProviderDatabase(postgres, await PostgresDatabase.OpenAsync(postgres.ConnectionString), null);
    }

    /// <summary>An outbox on this database (another call: another instance's, on the same rows).</summary>
    public async Task<IOutboxStore> OpenOutboxAsync(TimeProvider clock) => Opened<IOutboxStore>(DataSource is not null
        ? new PostgresOutboxStore(DataSource, clock)
        : await SqliteOutboxStore.OpenAsync(SqlitePath!, clock, CancellationToken.None,
            checkpoints: new WalCheckpointOptions { Interval = TimeSpan.FromDays(1) }));

    /// <summary>Closed before the database is dropped, in the reverse order of opening.</summary>
    public T Opened<T>(T store)
        where T : class
    {
        _opened.Insert(0, store as IAsyncDisposable ?? new SyncDisposal((IDisposable)store));
        return store;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (IAsyncDisposable opened in _opened)
        {
            await opened.DisposeAsync();
        }

        if (DataSource is not null)
        {
            await DataSource.DisposeAsync();
        }

        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }

        if (SqlitePath is not null)
        {
            SqliteConnection.ClearAllPools();
            foreach (string file in Directory.GetFiles(Path.GetDirectoryName(SqlitePath)!, Path.GetFileName(SqlitePath) + "*"))
            {
                File.Delete(file);
            }
        }
    }

    private sealed class SyncDisposal(IDisposable disposable) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            disposable.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
