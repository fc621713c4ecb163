using Npgsql;

namespace FsBitrix.Benchmarks.Service;

/// <summary>
/// The service benchmark's storage: an SQLite file in the run's folder (the default), or, with <c>--postgres SERVER</c>,
/// a PostgreSQL database of the run's own on that server, dropped at the end.
/// </summary>
internal sealed class BenchDatabase : IAsyncDisposable
{
    private readonly string? _server;
    private readonly string? _name;

    private BenchDatabase(string setting, string describe, string? server, string? name)
    {
        Setting = setting;
        Describe = describe;
        _server = server;
        _name = name;
    }

    /// <summary>What the service is given: a file path, or a connection string (ServiceHostCommand tells them apart).</summary>
    public string Setting { get; }

    public string Describe { get; }

    public static async Task<BenchDatabase> CreateAsync(string? postgresServer, string folder)
    {
        if (string.IsNullOrWhiteSpace(postgresServer))
        {
            string path = Path.Combine(folder, "bench.db");
            return new BenchDatabase(path, "SQLite " + path, null, null);
        }

        string name = "fsbitrix_bench_" + Guid.NewGuid().ToString("N");
        await ExecuteAsync(postgresServer, $"CREATE DATABASE {name}").ConfigureAwait(false);
        var builder = new NpgsqlConnectionStringBuilder(postgresServer) { Database = name };
        return new BenchDatabase(builder.ConnectionString, $"PostgreSQL {builder.Host}:{builder.Port}/{name}", postgresServer, name);
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await ExecuteAsync(_server, $"DROP DATABASE IF EXISTS {_name} WITH (FORCE)").ConfigureAwait(false);
        }
    }

    private static async Task ExecuteAsync(string server, string sql)
    {
        await using var db = new NpgsqlConnection(server);
        await db.OpenAsync().ConfigureAwait(false);
        await using var command = new NpgsqlCommand(sql, db);
        await command.ExecuteNonQueryAsync().ConfigureAwait(false);
    }
}
