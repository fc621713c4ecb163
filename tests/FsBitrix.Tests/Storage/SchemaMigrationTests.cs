using FsBitrix.Bitrix24.Auth;
using FsBitrix.AppMode;
using FsBitrix.Cdr;
using FsBitrix.ClickToCall;
using FsBitrix.Cli;
using FsBitrix.Core.Calls;
using FsBitrix.Outbox;
using FsBitrix.Storage;
using Microsoft.Data.Sqlite;

namespace FsBitrix.Tests.Storage;

/// <summary>
/// The service database's numbered schema: a fresh file and a file of the last unnumbered version end at the same
/// tables; what waited in the old file is still there; a file of a newer FsBitrix is refused untouched.
/// </summary>
public class SchemaMigrationTests
{
    private string _path = string.Empty;

    [SetUp]
    public void CreatePath() => _path = Path.Combine(Path.GetTempPath(), $"fsbitrix-schema-{Guid.NewGuid():N}.db");

    [TearDown]
    public void DeleteFiles()
    {
        SqliteConnection.ClearAllPools();
        foreach (string file in Directory.GetFiles(Path.GetDirectoryName(_path)!, Path.GetFileName(_path) + "*"))
        {
            File.Delete(file);
        }
    }

    [Test]
    public void Migrations_are_numbered_one_after_the_other()
    {
        Assert.That(SchemaMigrations.All.Select(m => m.Version), Is.EqualTo(Enumerable.Range(1, SchemaMigrations.All.Count)));
    }

    [Test]
    public async Task A_fresh_file_and_a_file_of_the_last_unnumbered_version_end_with_the_same_tables()
    {
        string old = _path + ".old";
        CreateUnnumbered(old);
        try
        {
            ServiceDatabase.Prepare(_path);
            ServiceDatabase.Prepare(old);

            Assert.That((ServiceDatabase.Version(_path), ServiceDatabase.Version(old)), Is.EqualTo((SchemaMigrations.Latest, SchemaMigrations.Latest)));
            Assert.That(Schema(old), Is.EqualTo(Schema(_path)));
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            foreach (string file in Directory.GetFiles(Path.GetDirectoryName(old)!, Path.GetFileName(old) + "*"))
            {
                File.Delete(file);
            }
        }

        await Task.CompletedTask;
    }

    [Test]
    public async Task What_waited_in_a_file_of_the_last_unnumbered_version_is_all_still_there()
    {
        CreateUnnumbered(_path);

        await using (SqliteOutboxStore outbox = await SqliteOutboxStore.OpenAsync(_path, TimeProvider.System))
        {
            Assert.That(await outbox.PendingCountAsync(), Is.EqualTo(1), "the waiting register");
            Assert.That(await outbox.PendingCountAsync("b.example"), Is.EqualTo(1), "filed under its company");
            Assert.That(await outbox.GetBitrixCallIdAsync("c1"), Is.EqualTo("externalCall.1"));
        }

        using var installation = new InstallationStore(_path, TimeProvider.System);
        OAuthGrant grant = (await installation.LoadAsync(CancellationToken.None))!;
        Assert.That((grant.MemberId, grant.RefreshToken), Is.EqualTo(("m1", "ref1")), "the default portal's installation");
        await using HandledEvents handled = HandledEvents.Open(_path, TimeProvider.System, TimeSpan.FromDays(1));
        Assert.That(await handled.TryClaimAsync("click-1"), Is.False, "a click handled before the upgrade is still handled");
        using CdrInbox inbox = CdrInbox.Open(_path);
        Assert.That(inbox.Knows("leg-1"), Is.True);
    }

    [Test]
    public async Task A_file_of_a_newer_fsbitrix_is_refused_untouched_with_one_line_and_exit_code_65()
    {
        ServiceDatabase.Prepare(_path);
        SetVersion(_path, SchemaMigrations.Latest + 1);
        byte[] before = await File.ReadAllBytesAsync(_path);

        var refused = Assert.Throws<DatabaseTooNewException>(() => ServiceDatabase.Prepare(_path))!;
        using var output = new StringWriter();
        using var error = new StringWriter();
        int code = await FsBitrixCommandLine.RunAsync(["--FsBitrix:Bitrix:WebhookUrl=https://portal.bitrix24.com/rest/1/abc/",
            $"--FsBitrix:Storage:Path={_path}", "--FsBitrix:Http:Urls=http://127.0.0.1:0", "--FsBitrix:Esl:Port=1"], output, error);

        Assert.Multiple(async () =>
        {
            Assert.That(refused.Message, Does.Contain($"schema version {SchemaMigrations.Latest + 1}").And.Contain("newer FsBitrix"));
            Assert.That(code, Is.EqualTo(FsBitrixCommandLine.DatabaseTooNew));
            Assert.That(error.ToString().Trim().Split('\n'), Has.Length.EqualTo(1), error.ToString());
            Assert.That(await File.ReadAllBytesAsync(_path), Is.EqualTo(before), "nothing in the file changed");
        });
    }

    // The tables as the last version without numbered migrations created them, with one of each thing in them.
    private static void CreateUnnumbered(string path)
    {
        using var db = new SqliteConnection($"Data Source={path};Pooling=False");
        db.Open();
        using SqliteCommand create = db.CreateCommand();
        create.CommandText = """
            PRAGMA journal_mode = WAL;
            CREATE TABLE outbox (id INTEGER PRIMARY KEY AUTOINCREMENT, call_key TEXT NOT NULL, kind TEXT NOT NULL, payload TEXT NOT NULL,
                attempts INTEGER NOT NULL DEFAULT 0, not_before INTEGER NOT NULL DEFAULT 0, last_error TEXT, ambiguous INTEGER NOT NULL DEFAULT 0,
                created_at INTEGER NOT NULL, done_at INTEGER, outcome TEXT, tenant TEXT NOT NULL DEFAULT '', awaits_cdr INTEGER NOT NULL DEFAULT 0);
            CREATE INDEX outbox_pending ON outbox (call_key, id) WHERE done_at IS NULL;
            CREATE TABLE calls (call_key TEXT PRIMARY KEY, bitrix_call_id TEXT, state TEXT, updated_at INTEGER NOT NULL);
            CREATE TABLE settings (name TEXT PRIMARY KEY, value TEXT NOT NULL);
            CREATE TABLE recordings (id TEXT PRIMARY KEY, path TEXT NOT NULL, expires_at INTEGER NOT NULL);
            CREATE TABLE finished_calls (bitrix_call_id TEXT PRIMARY KEY, call_key TEXT NOT NULL, finished_at INTEGER NOT NULL);
            CREATE INDEX finished_calls_age ON finished_calls (finished_at);
            CREATE TABLE bitrix_events (delivery_key TEXT PRIMARY KEY, received_at INTEGER NOT NULL);
            CREATE TABLE bitrix_event_attempts (delivery_key TEXT PRIMARY KEY, state TEXT NOT NULL, accepted_at INTEGER NOT NULL,
                event TEXT NOT NULL, legs TEXT NOT NULL, call_id TEXT, extension TEXT);
            CREATE TABLE cdr_legs (uuid TEXT PRIMARY KEY, xml TEXT NOT NULL, received_at INTEGER NOT NULL, done_at INTEGER, outcome TEXT);
            CREATE INDEX cdr_legs_waiting ON cdr_legs (received_at) WHERE done_at IS NULL;
            CREATE TABLE app_installation (id INTEGER PRIMARY KEY CHECK (id = 1), member_id TEXT NOT NULL, domain TEXT NOT NULL,
                client_endpoint TEXT NOT NULL, server_endpoint TEXT, application_token TEXT NOT NULL, access_token TEXT NOT NULL,
                refresh_token TEXT NOT NULL, expires_at INTEGER NOT NULL, scope TEXT NOT NULL, user_id INTEGER, refusal TEXT,
                saved_at INTEGER NOT NULL);
            CREATE TABLE app_events_url (id INTEGER PRIMARY KEY CHECK (id = 1), url TEXT NOT NULL);
            INSERT INTO outbox (call_key, kind, payload, created_at, tenant) VALUES ('c1', 'RegisterCall', '{}', 1796700000000, 'b.example');
            INSERT INTO calls (call_key, bitrix_call_id, state, updated_at) VALUES ('c1', 'externalCall.1', NULL, 1796700000000);
            INSERT INTO bitrix_events (delivery_key, received_at) VALUES ('click-1', 9999999999999);
            INSERT INTO cdr_legs (uuid, xml, received_at) VALUES ('leg-1', '<cdr/>', 1796700000000);
            INSERT INTO app_installation VALUES (1, 'm1', 'a.bitrix24.test', 'https://a.bitrix24.test/rest/', NULL, 'app1', 'acc1', 'ref1',
                1796700000000, 'telephony,crm,user', 1, NULL, 1796700000000);
            """;
        create.ExecuteNonQuery();
    }

    private static string[] Schema(string path)
    {
        using var db = new SqliteConnection($"Data Source={path};Pooling=False");
        db.Open();
        using SqliteCommand query = db.CreateCommand();
        query.CommandText = "SELECT type, name, tbl_name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name";
        using SqliteDataReader r = query.ExecuteReader();
        var rows = new List<string>();
        while (r.Read())
        {
            rows.Add($"{r.GetString(0)} {r.GetString(1)} on {r.GetString(2)}");
        }

        return [.. rows];
    }

    private static void SetVersion(string path, int version)
    {
        using var db = new SqliteConnection($"Data Source={path};Pooling=False");
        db.Open();
        using SqliteCommand set = db.CreateCommand();
        set.CommandText = $"PRAGMA user_version = {version}";
        set.ExecuteNonQuery();
    }
}
