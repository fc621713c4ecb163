using FsBitrix.Storage;
using FsBitrix.Tests.Support;
using Npgsql;

namespace FsBitrix.Tests.Storage;

/// <summary>FsBitrix's PostgreSQL schema: numbered, migrated once however many instances start at once, never downgraded.</summary>
[CancelAfter(60_000)]
public class PostgresSchemaTests
{
    [Test]
    public async Task Instances_starting_at_once_migrate_once_and_each_finds_the_latest_schema()
    {
        await using TestPostgres postgres = await TestPostgres.CreateAsync();

        NpgsqlDataSource[] instances = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => PostgresDatabase.OpenAsync(postgres.ConnectionString)));
        try
        {
            Assert.That(await PostgresDatabase.VersionAsync(instances[0]), Is.EqualTo(PostgresMigrations.Latest));
            await using NpgsqlCommand applied = instances[0].CreateCommand("SELECT COUNT(*) FROM fsbitrix_schema");
            Assert.That(await applied.ExecuteScalarAsync(), Is.EqualTo((long)PostgresMigrations.All.Count), "each migration once");
        }
        finally
        {
            foreach (NpgsqlDataSource instance in instances)
            {
                await instance.DisposeAsync();
            }
        }
    }

    [Test]
    public async Task A_database_of_a_newer_fsbitrix_is_refused()
    {
        await using TestPostgres postgres = await TestPostgres.CreateAsync();
        await (await PostgresDatabase.OpenAsync(postgres.ConnectionString)).DisposeAsync();
        await using (var db = new NpgsqlConnection(postgres.ConnectionString))
        {
            await db.OpenAsync();
            await using var newer = new NpgsqlCommand($"INSERT INTO fsbitrix_schema (version, name) VALUES ({PostgresMigrations.Latest + 1}, 'from the future')", db);
            await newer.ExecuteNonQueryAsync();
        }

        var refused = Assert.ThrowsAsync<DatabaseTooNewException>(() => PostgresDatabase.OpenAsync(postgres.ConnectionString))!;
        Assert.That(refused.Message, Does.Contain(postgres.Database).And.Contain("newer FsBitrix"));
    }
}
