using FsBitrix.Core.Status;
using FsBitrix.Core.Calls;
using FsBitrix.Outbox;
using Microsoft.Extensions.Time.Testing;

namespace FsBitrix.Tests;

/// <summary>The database keeps recent history only: delivered commands and ended calls go after a while, nothing pending does.</summary>
public class HousekeepingTests
{
    private string _folder = null!;

    [SetUp]
    public void CreateFolder() => _folder = Directory.CreateTempSubdirectory("fsbitrix-prune").FullName;

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_folder, recursive: true);

    [Test]
    public async Task Old_delivered_commands_and_ended_calls_go_pending_ones_and_live_calls_stay()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-01T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        await using SqliteOutboxStore store = await SqliteOutboxStore.OpenAsync(Path.Combine(_folder, "o.db"), time);
        await store.AppendAsync("old", [Register("old")], null, callOver: true);
        await store.AppendAsync("waiting", [Register("waiting"), new FinishCall("waiting", null, "1001", 0, CallStatus.Missed, "")], null, callOver: true);
        await store.AppendAsync("live", [Register("live")], "{}", callOver: false);
        foreach (OutboxEntry head in (await store.DueQueuesAsync(10, new HashSet<string>(), IOutboxStore.DefaultTenant)).Calls.Select(c => c.Head))
        {
            await store.MarkDoneAsync(head.Id, "ok");
        }

        await using Recordings.RecordingLinkStore links = Recordings.RecordingLinkStore.Open(Path.Combine(_folder, "o.db"), time);
        string link = await links.AddAsync("/var/lib/freeswitch/recordings/a.wav", time.GetUtcNow() + TimeSpan.FromDays(1));
        time.Advance(TimeSpan.FromDays(8));
        await store.AppendAsync("recent", [Register("recent")], null, callOver: true);

        int deleted = await store.PruneAsync(time.GetUtcNow() - TimeSpan.FromDays(7));

        Assert.That(deleted, Is.EqualTo(4), "3 delivered registers, the ended call 'old'");
        Assert.That(await links.PruneAsync(), Is.EqualTo(1), "the expired link (the links are their own store now)");
        Assert.That(await store.KnowsCallAsync("old"), Is.False);
        Assert.That(await store.KnowsCallAsync("waiting"), Is.True, "its finish is still to be sent");
        Assert.That(await store.KnowsCallAsync("live"), Is.True);
        Assert.That(await store.PendingCountAsync(), Is.EqualTo(2), "the waiting finish and the recent register");
        Assert.That(await links.PathOfAsync(link), Is.Null);
    }

    private static RegisterCall Register(string key) => new(key, key, CallType.Inbound, "+79161234567", null, null, null);
}
