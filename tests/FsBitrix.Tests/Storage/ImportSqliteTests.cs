using FsBitrix.AppMode;
using FsBitrix.Bitrix24.Auth;
using FsBitrix.ClickToCall;
using FsBitrix.Core.Calls;
using FsBitrix.Core.Status;
using FsBitrix.Outbox;
using FsBitrix.Recordings;
using FsBitrix.Storage;
using FsBitrix.Tests.Support;
using Npgsql;

namespace FsBitrix.Tests.Storage;

/// <summary>
/// <c>fsbitrix import-sqlite</c>: a single box's SQLite database moved into an empty PostgreSQL one loses nothing the
/// instances need — commands not delivered (in order), live states and CALL_IDs, click attempts, the installation,
/// the recording key and links — and a database that already holds data is refused untouched.
/// </summary>
[CancelAfter(60_000)]
public class ImportSqliteTests
{
    private static readonly HashSet<string> NoneBusy = [];

    [Test]
    public async Task A_single_boxs_database_moves_to_postgresql_with_everything_the_instances_need()
    {
        await using TestPostgres postgres = await TestPostgres.CreateAsync();
        string path = Path.Combine(Path.GetTempPath(), "fsbitrix-tests", Guid.NewGuid().ToString("N") + ".db");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        TimeProvider time = TimeProvider.System;
        var register = new RegisterCall("live", "live", CallType.Inbound, "+79990001122", "line", "1001", null);
        var show = new ShowCard("live", null, "1001");
        ClickAttempt click = ClickAttempt.Accept(new BitrixCallEvent(BitrixCallEvent.ClickToCallEvent, "+79161234567") { CallId = "externalCall.7", UserId = 2 });
        byte[] key;
        string link;
        await using (SqliteOutboxStore outbox = await SqliteOutboxStore.OpenAsync(path, time))
        {
            await outbox.AppendAsync("over", [new FinishCall("over", "B-over", "1001", 4, CallStatus.Answered, "")], null, callOver: true);
            DueQueues due = await outbox.DueQueuesAsync(10, NoneBusy, IOutboxStore.DefaultTenant);
            await outbox.MarkDoneAsync(due.Calls.Single().Head.Id, "finished");
            await outbox.AppendAsync("live", [register, show], "{\"live\":true}", callOver: false);
            await outbox.SetBitrixCallIdAsync("live", "B-live");
            await using (HandledEvents handled = HandledEvents.Open(path, time, TimeSpan.FromDays(1)))
            {
                Assert.That(await handled.TryAcceptAsync(click), Is.True);
            }

            using (var installation = new InstallationStore(path, time))
            {
                await installation.SaveAsync(Grant(), CancellationToken.None);
            }

            await using RecordingLinkStore links = RecordingLinkStore.Open(path, time);
            key = await links.KeyAsync();
            link = await links.AddAsync("/var/lib/freeswitch/recordings/live.wav", time.GetUtcNow().AddDays(7));
        }

        string[] settings = ["--path", path, "--FsBitrix:Storage:Provider=postgres", $"--FsBitrix:Storage:ConnectionString={postgres.ConnectionString}"];
        using var said = new StringWriter();
        int exit = await ImportSqliteCommand.RunAsync(settings, said);
        using var again = new StringWriter();
        int second = await ImportSqliteCommand.RunAsync(settings, again);

        await using NpgsqlDataSource db = await PostgresDatabase.OpenAsync(postgres.ConnectionString);
        var store = new PostgresOutboxStore(db, time);
        DueQueues pending = await store.DueQueuesAsync(10, NoneBusy, IOutboxStore.DefaultTenant);
        var recordings = new PostgresRecordingLinkStore(db, time);
        await using var events = new PostgresHandledEvents(db, time, TimeSpan.FromDays(1));
        Assert.Multiple(async () =>
        {
            Assert.That(exit, Is.Zero, said.ToString());
            Assert.That(said.ToString(), Does.Contain("outbox 2, calls 2, finished_calls 1"), "the delivered finish stays behind");
            Assert.That(pending.Calls.Single().Pending.Select(e => e.Command), Is.EqualTo(new CallCommand[] { register, show }), "in order");
            Assert.That(await store.LiveCallStatesAsync(), Is.EqualTo(new[] { ("live", "{\"live\":true}") }));
            Assert.That(await store.GetBitrixCallIdAsync("live"), Is.EqualTo("B-live"));
            Assert.That(await store.AppendAsync("late", [new FinishCall("late", "B-over", "1001", 4, CallStatus.Answered, "")], null, true),
                Has.Count.EqualTo(1), "B-over is still known as finished");
            Assert.That((await new PostgresInstallationStore(db, time).LoadAsync(CancellationToken.None))!.RefreshToken, Is.EqualTo("refresh-1"),
                "no reinstall in Bitrix24");
            Assert.That(await recordings.KeyAsync(), Is.EqualTo(key), "links already sent keep verifying");
            Assert.That(await recordings.PathOfAsync(link), Is.EqualTo("/var/lib/freeswitch/recordings/live.wav"));
            Assert.That((await events.UnfinishedAsync()).Select(a => a.Event.DeliveryKey), Is.EqualTo(new[] { click.Event.DeliveryKey }));
            Assert.That(second, Is.EqualTo(2), again.ToString());
            Assert.That(again.ToString(), Does.Contain("already has rows in outbox"));
        });
    }

    private static OAuthGrant Grant() => new()
    {
        MemberId = "m-1",
        Domain = "a.bitrix24.test",
        ClientEndpoint = new Uri("https://a.bitrix24.test/rest/"),
        ServerEndpoint = new Uri("https://oauth.bitrix.info/rest/"),
        ApplicationToken = "app-1",
        AccessToken = "access-1",
        RefreshToken = "refresh-1",
        ExpiresAt = DateTimeOffset.UtcNow.AddHours(1),
        Scope = "telephony,crm,user",
    };
}
