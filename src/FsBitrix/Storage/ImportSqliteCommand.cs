using FsBitrix.Configuration;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Npgsql;

namespace FsBitrix.Storage;

/// <summary>
/// <c>fsbitrix import-sqlite [--path FILE]</c>: moving from one box to several instances, copies what the SQLite
/// database holds (default <c>Storage:Path</c>) into the PostgreSQL one the configuration names
/// (<c>Storage:Provider=postgres</c>), so that nothing is lost on the way: the commands not delivered yet (in their
/// order), the calls' states and CALL_IDs, the finished CALL_IDs, the click events and attempts, the CDR legs, the
/// local-application installations (no reinstall in Bitrix24), the recording links and their signing key (links already
/// sent to Bitrix24 keep working). Run it with the service stopped; it refuses a PostgreSQL database that already has
/// calls, commands or installations (nothing is merged), and copies in one transaction (all or nothing).
/// </summary>
internal static class ImportSqliteCommand
{
    public const string Usage = "usage: fsbitrix import-sqlite [--path /var/lib/fsbitrix/fsbitrix.db] (with FsBitrix:Storage:Provider=postgres and its ConnectionString)";

    // Tables and the columns copied as they are; the outbox's id is PostgreSQL's own (its order is kept).
    private static readonly (string Table, string Columns, string? Where)[] Tables =
    [
        ("outbox", "call_key, tenant, kind, payload, attempts, not_before, last_error, ambiguous, awaits_cdr, created_at, done_at, outcome", "done_at IS NULL"),
        ("calls", "call_key, bitrix_call_id, state, updated_at", null),
        ("finished_calls", "bitrix_call_id, call_key, finished_at", null),
        ("bitrix_events", "delivery_key, received_at", null),
        ("bitrix_event_attempts", "delivery_key, state, accepted_at, event, legs, call_id, extension", null),
        ("cdr_legs", "uuid, xml, received_at, done_at, outcome", null),
        ("app_installations", "tenant, member_id, domain, client_endpoint, server_endpoint, application_token, access_token, refresh_token, expires_at, scope, user_id, refusal, saved_at", null),
        ("app_events_urls", "tenant, url", null),
        ("recordings", "id, path, expires_at", null),
        ("settings", "name, value", null),
    ];

    public static async Task<int> RunAsync(string[] args, TextWriter output, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        string? path = null;
        var settings = new List<string>();
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--path" && i + 1 < args.Length)
            {
                path = args[++i];
            }
            else
            {
                settings.Add(args[i]);
            }
        }

        var options = new FsBitrixOptions();
        ServiceConfiguration.Build([.. settings]).GetSection(FsBitrixOptions.Section).Bind(options);
        if (!options.Storage.IsPostgres || string.IsNullOrWhiteSpace(options.Storage.ConnectionString))
        {
            output.WriteLine("FsBitrix:Storage:Provider=postgres and FsBitrix:Storage:ConnectionString name the database to copy into; they are not set.");
            output.WriteLine(Usage);
            return 78;
        }

        path ??= options.Storage.Path;
        if (!File.Exists(path))
        {
            output.WriteLine($"No FsBitrix database at {path}: nothing to import (--path names another file).");
            return 2;
        }

        // The file brought to this version's schema first (a file of an older FsBitrix has older tables).
        string sqlite = ServiceDatabase.Prepare(path);
        await using NpgsqlDataSource postgres = await PostgresDatabase.OpenAsync(options.Storage.ConnectionString, cancellationToken).ConfigureAwait(false);
        await using NpgsqlConnection target = await postgres.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using NpgsqlTransaction tx = await target.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        if (await HoldsDataAsync(target, tx, cancellationToken).ConfigureAwait(false) is { } table)
        {
            output.WriteLine($"The PostgreSQL database already has rows in {table}: an instance ran on it, or it was imported before. Nothing was copied (use an empty database).");
            return 2;
        }

        await using var source = new SqliteConnection(sqlite);
        await source.OpenAsync(cancellationToken).ConfigureAwait(false);
        var copied = new List<string>();
        foreach ((string name, string columns, string? where) in Tables)
        {
            int rows = await CopyAsync(source, target, tx, name, columns, where, cancellationToken).ConfigureAwait(false);
            copied.Add($"{name} {rows}");
        }

        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        output.WriteLine($"Copied from {path}: {string.Join(", ", copied)} (outbox: the commands not delivered yet).");
        output.WriteLine("Start the instances with FsBitrix:Storage:Provider=postgres; keep the SQLite file until they run.");
        return 0;
    }

    private static async Task<string?> HoldsDataAsync(NpgsqlConnection db, NpgsqlTransaction tx, CancellationToken cancellationToken)
    {
        foreach (string table in new[] { "outbox", "calls", "app_installations" })
        {
            await using var any = new NpgsqlCommand($"SELECT EXISTS (SELECT 1 FROM {table})", db, tx);
            if (await any.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is true)
            {
                return table;
            }
        }

        return null;
    }

    private static async Task<int> CopyAsync(SqliteConnection source, NpgsqlConnection target, NpgsqlTransaction tx, string table, string columns,
        string? where, CancellationToken cancellationToken)
    {
        string[] names = columns.Split(", ");
        await using SqliteCommand read = source.CreateCommand();
        read.CommandText = $"SELECT {columns} FROM {table}{(where is null ? string.Empty : " WHERE " + where)}{(table == "outbox" ? " ORDER BY id" : string.Empty)}";
        await using SqliteDataReader rows = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        int count = 0;
        while (await rows.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            // The recording key row replaces the one a fresh PostgreSQL schema may have made: links already signed must verify.
            string conflict = table == "settings" ? " ON CONFLICT (name) DO UPDATE SET value = excluded.value" : string.Empty;
            await using var insert = new NpgsqlCommand(
                $"INSERT INTO {table} ({columns}) VALUES ({string.Join(", ", names.Select((_, i) => "$" + (i + 1)))}){conflict}", target, tx);
            for (int i = 0; i < names.Length; i++)
            {
                insert.Parameters.Add(new NpgsqlParameter { Value = rows.IsDBNull(i) ? DBNull.Value : rows.GetValue(i) });
            }

            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            count++;
        }

        return count;
    }
}
