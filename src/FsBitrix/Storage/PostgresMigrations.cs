namespace FsBitrix.Storage;

/// <summary>
/// The PostgreSQL schema, numbered like <see cref="SchemaMigrations"/>: a migration is never edited once released; a
/// change is a new entry at the end.
/// </summary>
internal static class PostgresMigrations
{
    public static IReadOnlyList<(int Version, string Name, string Sql)> All { get; } =
    [
        (1, "click events, shared by every instance", """
            CREATE TABLE bitrix_events (delivery_key TEXT PRIMARY KEY, received_at BIGINT NOT NULL);
            CREATE INDEX bitrix_events_age ON bitrix_events (received_at);
            CREATE TABLE bitrix_event_attempts (
                delivery_key TEXT PRIMARY KEY,
                state TEXT NOT NULL,
                accepted_at BIGINT NOT NULL,
                event TEXT NOT NULL,
                legs TEXT NOT NULL,
                call_id TEXT,
                extension TEXT);
            CREATE INDEX bitrix_event_attempts_unfinished ON bitrix_event_attempts (accepted_at) WHERE state <> 'Done';
            """),
        (2, "local-application installations, one per company", """
            CREATE TABLE app_installations (
                tenant TEXT PRIMARY KEY,
                member_id TEXT NOT NULL,
                domain TEXT NOT NULL,
                client_endpoint TEXT NOT NULL,
                server_endpoint TEXT,
                application_token TEXT NOT NULL,
                access_token TEXT NOT NULL,
                refresh_token TEXT NOT NULL,
                expires_at BIGINT NOT NULL,
                scope TEXT NOT NULL,
                user_id INTEGER,
                refusal TEXT,
                saved_at BIGINT NOT NULL);
            CREATE TABLE app_events_urls (tenant TEXT PRIMARY KEY, url TEXT NOT NULL);
            """),
        (3, "CDR legs waiting for their call", """
            CREATE TABLE cdr_legs (
                uuid TEXT PRIMARY KEY,
                xml TEXT NOT NULL,
                received_at BIGINT NOT NULL,
                done_at BIGINT,
                outcome TEXT);
            CREATE INDEX cdr_legs_waiting ON cdr_legs (received_at) WHERE done_at IS NULL;
            """),
        (4, "recording links and their signing key", """
            CREATE TABLE recordings (id TEXT PRIMARY KEY, path TEXT NOT NULL, expires_at BIGINT NOT NULL);
            CREATE INDEX recordings_expiry ON recordings (expires_at);
            CREATE TABLE settings (name TEXT PRIMARY KEY, value TEXT NOT NULL);
            """),
        (5, "the outbox, the calls' states and the finished CALL_IDs", """
            CREATE TABLE outbox (
                id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                call_key TEXT NOT NULL,
                tenant TEXT NOT NULL DEFAULT '',
                kind TEXT NOT NULL,
                payload TEXT NOT NULL,
                attempts INTEGER NOT NULL DEFAULT 0,
                not_before BIGINT NOT NULL DEFAULT 0,
                last_error TEXT,
                ambiguous INTEGER NOT NULL DEFAULT 0,
                awaits_cdr INTEGER NOT NULL DEFAULT 0,
                created_at BIGINT NOT NULL,
                done_at BIGINT,
                outcome TEXT);
            CREATE INDEX outbox_pending ON outbox (call_key, id) WHERE done_at IS NULL;
            CREATE INDEX outbox_delivered ON outbox (done_at) WHERE done_at IS NOT NULL;
            CREATE TABLE calls (
                call_key TEXT PRIMARY KEY,
                bitrix_call_id TEXT,
                state TEXT,
                updated_at BIGINT NOT NULL);
            CREATE INDEX calls_live ON calls (updated_at) WHERE state IS NOT NULL;
            CREATE TABLE finished_calls (bitrix_call_id TEXT PRIMARY KEY, call_key TEXT NOT NULL, finished_at BIGINT NOT NULL);
            CREATE INDEX finished_calls_age ON finished_calls (finished_at);
            """),
    ];

    public static int Latest => All[^1].Version;
}
