namespace FsBitrix.Storage;

/// <summary>
/// The PostgreSQL schema, numbered like <see cref="SchemaMigrations"/>. Not released yet (the service does not run on
/// PostgreSQL before the outbox does, issue #20), so its first migration may still grow; from the first release on, a
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
    ];

    public static int Latest => All[^1].Version;
}
