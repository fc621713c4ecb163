using Npgsql;

namespace FsBitrix.Tests.Support;

/// <summary>
/// A real PostgreSQL for the storage tests: <c>FSBITRIX_TEST_POSTGRES</c> names a server on loopback (what
/// <c>bash .ci/postgres start</c> prints); each test gets a database of its own, dropped afterwards. Without the
/// server the test fails when <c>FSBITRIX_REQUIRE_POSTGRES</c> is set (.ci/run sets it: never a silent skip in CI),
/// else it is ignored with how to start one.
/// </summary>
internal sealed class TestPostgres : IAsyncDisposable
{
    public const string ServerVariable = "FSBITRIX_TEST_POSTGRES";

    private readonly string _server;

    private TestPostgres(string server, string database)
    {
        _server = server;
        Database = database;
        ConnectionString = new NpgsqlConnectionStringBuilder(server) { Database = database }.ConnectionString;
    }

    public string Database { get; }

    /// <summary>This test's own database.</summary>
    public string ConnectionString { get; }

    public static async Task<TestPostgres> CreateAsync()
    {
        string? server = Environment.GetEnvironmentVariable(ServerVariable);
        if (string.IsNullOrWhiteSpace(server))
        {
            const string how = "no PostgreSQL for the storage tests: run `export FSBITRIX_TEST_POSTGRES=\"$(bash .ci/postgres start)\"` "
                + "(Debian's postgresql package; a throwaway cluster on 127.0.0.1:55432), then run the tests again";
            if (Environment.GetEnvironmentVariable("FSBITRIX_REQUIRE_POSTGRES") is { Length: > 0 })
            {
                Assert.Fail(how);
            }

            Assert.Ignore(how);
        }

        var builder = new NpgsqlConnectionStringBuilder(server);
        if (builder.Host is not ("127.0.0.1" or "localhost" or "::1"))
        {
            Assert.Fail($"{ServerVariable} names {builder.Host}: the tests use a PostgreSQL on loopback only");
        }

        string database = "fsbitrix_test_" + Guid.NewGuid().ToString("N");
        await using (var admin = new NpgsqlConnection(server))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {database}", admin);
            await create.ExecuteNonQueryAsync();
        }

        return new TestPostgres(server, database);
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var admin = new NpgsqlConnection(_server);
        await admin.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {Database} WITH (FORCE)", admin);
        await drop.ExecuteNonQueryAsync();
    }
}
