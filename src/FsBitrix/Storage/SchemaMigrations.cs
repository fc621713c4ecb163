using Microsoft.Data.Sqlite;

namespace FsBitrix.Storage;

/// <summary>
/// Every table of every feature (outbox, call states, recording links, finished calls, handled click events, CDR
/// legs, local-application installations), created and changed here only, by numbered migrations. A migration is
/// never edited once released: a change is a new one at the end.
/// </summary>
internal static class SchemaMigrations
{
    public static IReadOnlyList<Migration> All { get; } =
    [
        new(1, "the schema of versions before it was numbered", Baseline),
        new(2, "a local application per company", InstallationPerCompany),
    ];

    public static int Latest => All[^1].Version;

    // Files of unnumbered versions hold some or all of these, so each is created if missing, and the two columns added
    // to the outbox later are added when missing (their defaults say what older rows were: the default company's, not
    // waiting for CDRs).
    private static void Baseline(SqliteConnection db, SqliteTransaction tx)
    {
        Execute(db, tx, """
            CREATE TABLE IF NOT EXISTS outbox (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                call_key TEXT NOT NULL,
                kind TEXT NOT NULL,
                payload TEXT NOT NULL,
                attempts INTEGER NOT NULL DEFAULT 0,
                not_before INTEGER NOT NULL DEFAULT 0,
                last_error TEXT,
                ambiguous INTEGER NOT NULL DEFAULT 0,
                created_at INTEGER NOT NULL,
                done_at INTEGER,
                outcome TEXT);
            CREATE INDEX IF NOT EXISTS outbox_pending ON outbox (call_key, id) WHERE done_at IS NULL;
            CREATE TABLE IF NOT EXISTS calls (
                call_key TEXT PRIMARY KEY,
                bitrix_call_id TEXT,
                state TEXT,
                updated_at INTEGER NOT NULL);
            CREATE TABLE IF NOT EXISTS settings (name TEXT PRIMARY KEY, value TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS recordings (id TEXT PRIMARY KEY, path TEXT NOT NULL, expires_at INTEGER NOT NULL);
            CREATE TABLE IF NOT EXISTS finished_calls (bitrix_call_id TEXT PRIMARY KEY, call_key TEXT NOT NULL, finished_at INTEGER NOT NULL);
            CREATE INDEX IF NOT EXISTS finished_calls_age ON finished_calls (finished_at);
            CREATE TABLE IF NOT EXISTS bitrix_events (delivery_key TEXT PRIMARY KEY, received_at INTEGER NOT NULL);
            CREATE TABLE IF NOT EXISTS bitrix_event_attempts (
                delivery_key TEXT PRIMARY KEY,
                state TEXT NOT NULL,
                accepted_at INTEGER NOT NULL,
                event TEXT NOT NULL,
                legs TEXT NOT NULL,
                call_id TEXT,
                extension TEXT);
            CREATE TABLE IF NOT EXISTS cdr_legs (
                uuid TEXT PRIMARY KEY,
                xml TEXT NOT NULL,
                received_at INTEGER NOT NULL,
                done_at INTEGER,
                outcome TEXT);
            CREATE INDEX IF NOT EXISTS cdr_legs_waiting ON cdr_legs (received_at) WHERE done_at IS NULL;
            CREATE TABLE IF NOT EXISTS app_installation (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                member_id TEXT NOT NULL,
                domain TEXT NOT NULL,
                client_endpoint TEXT NOT NULL,
                server_endpoint TEXT,
                application_token TEXT NOT NULL,
                access_token TEXT NOT NULL,
                refresh_token TEXT NOT NULL,
                expires_at INTEGER NOT NULL,
                scope TEXT NOT NULL,
                user_id INTEGER,
                refusal TEXT,
                saved_at INTEGER NOT NULL);
            CREATE TABLE IF NOT EXISTS app_events_url (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                url TEXT NOT NULL);
            """);
        AddColumnIfMissing(db, tx, "outbox", "tenant", "TEXT NOT NULL DEFAULT ''");
        AddColumnIfMissing(db, tx, "outbox", "awaits_cdr", "INTEGER NOT NULL DEFAULT 0");
    }

    // One installation per company (the default portal's under the empty key): the single row kept before is the
    // default portal's.
    // (IF NOT EXISTS and OR IGNORE: a development build of this change made the new tables before numbering existed.)
    private static void InstallationPerCompany(SqliteConnection db, SqliteTransaction tx) => Execute(db, tx, """
        CREATE TABLE IF NOT EXISTS app_installations (
            tenant TEXT PRIMARY KEY,
            member_id TEXT NOT NULL,
            domain TEXT NOT NULL,
            client_endpoint TEXT NOT NULL,
            server_endpoint TEXT,
            application_token TEXT NOT NULL,
            access_token TEXT NOT NULL,
            refresh_token TEXT NOT NULL,
            expires_at INTEGER NOT NULL,
            scope TEXT NOT NULL,
            user_id INTEGER,
            refusal TEXT,
            saved_at INTEGER NOT NULL);
        CREATE TABLE IF NOT EXISTS app_events_urls (tenant TEXT PRIMARY KEY, url TEXT NOT NULL);
        INSERT OR IGNORE INTO app_installations (tenant, member_id, domain, client_endpoint, server_endpoint, application_token,
            access_token, refresh_token, expires_at, scope, user_id, refusal, saved_at)
        SELECT '', member_id, domain, client_endpoint, server_endpoint, application_token, access_token, refresh_token,
            expires_at, scope, user_id, refusal, saved_at FROM app_installation WHERE id = 1;
        INSERT OR IGNORE INTO app_events_urls (tenant, url) SELECT '', url FROM app_events_url WHERE id = 1;
        DROP TABLE app_installation;
        DROP TABLE app_events_url;
        """);

    private static void AddColumnIfMissing(SqliteConnection db, SqliteTransaction tx, string table, string column, string definition)
    {
        using SqliteCommand columns = db.CreateCommand();
        columns.Transaction = tx;
        columns.CommandText = $"SELECT COUNT(*) FROM pragma_table_info('{table}') WHERE name = $name";
        columns.Parameters.AddWithValue("$name", column);
        if ((long)(columns.ExecuteScalar() ?? 0L) == 0)
        {
            Execute(db, tx, $"ALTER TABLE {table} ADD COLUMN {column} {definition}");
        }
    }

    private static void Execute(SqliteConnection db, SqliteTransaction tx, string sql)
    {
        using SqliteCommand command = db.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
