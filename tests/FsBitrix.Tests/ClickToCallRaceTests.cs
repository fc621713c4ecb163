using FsBitrix.Core.Status;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using FsBitrix.Calls;
using FsBitrix.Core.Calls;
using FsBitrix.Outbox;
using FsBitrix.Sandbox.Events;
using FsBitrix.Sandbox.State;
using FsBitrix.Tests.Support;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Click = FsBitrix.Sandbox.Events.ClickToCall;

namespace FsBitrix.Tests;

/// <summary>
/// A click-to-call finished because its originate's job never answered (a timeout, or the socket dropped) whose
/// leg then shows up after all: Bitrix24 takes one finish per CALL_ID, so the late leg's commands are not sent.
/// </summary>
[CancelAfter(60_000)]
public class ClickToCallRaceTests
{
    private const string CallId = "externalCall.0123456789abcdef0123456789abcdef.1795490000";

    [Test]
    public async Task A_leg_seen_after_its_attempt_was_finished_does_not_finish_it_again()
    {
        await using ServiceHarness h = await ServiceHarness.StartAsync();
        SentEvent sent = await h.Portal.Events.StartClickToCallAsync(new Click(2, "+79161234567"), h.EventsUrl);
        BgapiCommand originate = await h.FreeSwitch.NextBgapiAsync(ServiceHarness.Patience);

        // The job's answer is lost with the socket: no leg was seen, so the attempt is finished at once.
        h.FreeSwitch.DropAll();
        SandboxFinishedCall first = await h.Portal.WaitForFinishAsync(sent.CallId!, ServiceHarness.Patience);
        await h.FreeSwitch.Subscribed.WaitAsync(ServiceHarness.Patience);

        // Then FreeSWITCH reports the leg after all, and the whole call runs to its end.
        CallTracker tracker = h.Service!.Services.GetRequiredService<CallTracker>();
        Task<CallStep> lateCallOver = tracker.Steps.FirstAsync(s => s.CallKey == originate.OriginationUuid && s.State.IsOver).ToTask();
        await h.FreeSwitch.SendAsync(ClickToCallScript.Frames("s12_click_to_call.raw", originate, h.FreeSwitch.RecordingsFolder));
        CallStep late = await lateCallOver.WaitAsync(ServiceHarness.Patience);

        Assert.That(first.StatusCode, Is.EqualTo("503"));
        Assert.That(late.Commands.OfType<FinishCall>().Count(), Is.EqualTo(1), "the reducer did finish the late call...");
        Assert.That(await h.Service.Services.GetRequiredService<IOutboxStore>().PendingCountAsync(), Is.Zero, "...but the outbox took none of it");
        Assert.That(h.Portal.State.RequestCount("telephony.externalcall.finish"), Is.EqualTo(1));
        Assert.That(h.Portal.State.RequestCount("telephony.externalcall.show"), Is.Zero);
    }

    [Test]
    public async Task A_failed_click_stops_being_recovered_only_once_its_finish_is_in_the_outbox()
    {
        await using ServiceHarness h = await ServiceHarness.StartAsync();
        // The database itself notes, at the moment the attempt is marked done, how many finishes the outbox holds.
        await using (var db = new SqliteConnection($"Data Source={h.DatabasePath};Pooling=False"))
        {
            await db.OpenAsync();
            await using SqliteCommand probe = db.CreateCommand();
            probe.CommandText = """
                CREATE TABLE done_probe (finishes INTEGER NOT NULL);
                CREATE TRIGGER done_probe AFTER UPDATE OF state ON bitrix_event_attempts WHEN NEW.state = 'Done'
                BEGIN INSERT INTO done_probe SELECT COUNT(*) FROM outbox WHERE kind = 'FinishCall'; END;
                """;
            await probe.ExecuteNonQueryAsync();
        }

        // A slow disk: every tracker write lands 300 ms late, so marking the attempt done first would be seen.
        h.Service!.Services.GetRequiredService<IOutboxStore>().BeforeAppend = ct => Task.Delay(300, ct);
        h.FreeSwitch.BgapiReply = _ => "-ERR permission denied";

        SentEvent sent = await h.Portal.Events.StartClickToCallAsync(new Click(2, "+79161234567"), h.EventsUrl);
        await h.Portal.WaitForFinishAsync(sent.CallId!, ServiceHarness.Patience);
        long? finishesWhenDone = await ProbeAsync(h.DatabasePath);

        Assert.That(finishesWhenDone, Is.EqualTo(1), "the attempt was marked done before its finish was in the outbox");
    }

    // Nothing announces the attempt's last write, and another connection's trigger cannot signal us: poll it.
    private static async Task<long?> ProbeAsync(string path)
    {
        using var patience = new CancellationTokenSource(ServiceHarness.Patience);
        long? finishes;
        while ((finishes = await ReadProbeAsync(path)) is null)
        {
            await Task.Delay(20, patience.Token);
        }

        return finishes;
    }

    private static async Task<long?> ReadProbeAsync(string path)
    {
        await using var db = new SqliteConnection($"Data Source={path};Pooling=False");
        await db.OpenAsync();
        await using SqliteCommand read = db.CreateCommand();
        read.CommandText = "SELECT finishes FROM done_probe";
        return await read.ExecuteScalarAsync() as long?;
    }

    [Test]
    public async Task The_outbox_refuses_a_second_finish_show_or_hide_of_one_call_id_but_not_its_recording()
    {
        string path = Path.Combine(Path.GetTempPath(), "fsbitrix-tests", Guid.NewGuid().ToString("N") + ".db");
        await using SqliteOutboxStore store = await SqliteOutboxStore.OpenAsync(path, TimeProvider.System);

        IReadOnlyList<CallCommand> first = await store.AppendAsync("a", [new FinishCall("a", CallId, "1001", 0, CallStatus.ServiceUnavailable, "no job")], null, true);
        CallCommand[] late =
        [
            new ShowCard("b", CallId, "1001"), new HideCard("b", CallId, "1001"),
            new FinishCall("b", CallId, "1001", 3, CallStatus.Answered, ""), new AttachRecording("b", CallId, "/rec/b.wav"),
        ];
        IReadOnlyList<CallCommand> second = await store.AppendAsync("b", late, null, true);
        IReadOnlyList<CallCommand> other = await store.AppendAsync("c", [new FinishCall("c", CallId + "0", null, 0, CallStatus.TemporarilyUnavailable, "")], null, true);

        Assert.That(first, Is.Empty);
        Assert.That(second, Is.EqualTo(late[..3]));
        Assert.That(other, Is.Empty, "another CALL_ID");
        Assert.That(await store.PendingCountAsync(), Is.EqualTo(3));
    }

    [Test]
    public async Task A_finish_is_remembered_across_a_restart_and_forgotten_after_a_day()
    {
        string path = Path.Combine(Path.GetTempPath(), "fsbitrix-tests", Guid.NewGuid().ToString("N") + ".db");
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        await using (SqliteOutboxStore before = await SqliteOutboxStore.OpenAsync(path, time))
        {
            await before.AppendAsync("a", [new FinishCall("a", CallId, null, 0, CallStatus.ServiceUnavailable, "")], null, true);
        }

        await using SqliteOutboxStore after = await SqliteOutboxStore.OpenAsync(path, time);
        IReadOnlyList<CallCommand> again = await after.AppendAsync("b", [new FinishCall("b", CallId, null, 0, CallStatus.Answered, "")], null, true);
        time.Advance(TimeSpan.FromDays(1) + TimeSpan.FromSeconds(1));
        IReadOnlyList<CallCommand> dayLater = await after.AppendAsync("c", [new FinishCall("c", CallId, null, 0, CallStatus.Answered, "")], null, true);

        Assert.That(again, Has.Count.EqualTo(1));
        Assert.That(dayLater, Is.Empty);
    }
}
