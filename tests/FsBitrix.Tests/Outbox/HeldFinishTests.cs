using FsBitrix.Core.Status;
using FsBitrix.Core.Calls;
using FsBitrix.Outbox;
using Microsoft.Extensions.Time.Testing;

namespace FsBitrix.Tests.Outbox;

/// <summary>
/// A finish whose end was guessed (<see cref="FinishCall.Estimated"/>) waits for the call's CDRs: an outage's end does
/// not release it, the CDRs' correction does (with their talk time, status and user), and the wait's end sends the guess.
/// </summary>
public class HeldFinishTests
{
    private static readonly HashSet<string> NoneBusy = [];

    [Test]
    public async Task A_guessed_finish_waits_for_the_cdrs_and_goes_corrected_at_once()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using SqliteOutboxStore store = await OpenAsync(clock);
        store.EstimatedFinishWait = TimeSpan.FromMinutes(1);
        await store.AppendAsync("c", [new FinishCall("c", null, "1001", 1, CallStatus.Answered, "", Estimated: true)], null, callOver: true);

        await store.ReleaseWaitingAsync();
        DueQueues held = await store.DueQueuesAsync(10, NoneBusy, IOutboxStore.DefaultTenant);
        Assert.That(held.Calls, Is.Empty, "the end of an outage does not release it");
        Assert.That(held.NextDue, Is.EqualTo(clock.GetUtcNow().AddMinutes(1)).Within(TimeSpan.FromMilliseconds(1)));

        bool corrected = await store.CorrectFinishAsync("c", new FinishCall("c", null, "1002", 240, CallStatus.Answered, "", UserId: 3));
        DueQueues due = await store.DueQueuesAsync(10, NoneBusy, IOutboxStore.DefaultTenant);

        Assert.That(corrected, Is.True);
        Assert.That(due.Calls.Single().Head.Command, Is.EqualTo(new FinishCall("c", null, "1002", 240, CallStatus.Answered, "", UserId: 3)));
        Assert.That(await store.CorrectFinishAsync("c", new FinishCall("c", null, "1001", 9, CallStatus.Answered, "")), Is.False, "corrected once");
    }

    [Test]
    public async Task Without_cdrs_the_guess_goes_when_the_wait_ends_and_a_seen_finish_is_never_held()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using SqliteOutboxStore store = await OpenAsync(clock);
        store.EstimatedFinishWait = TimeSpan.FromMinutes(1);
        await store.AppendAsync("guessed", [new FinishCall("guessed", null, "1001", 1, CallStatus.Answered, "", Estimated: true)], null, callOver: true);
        await store.AppendAsync("seen", [new FinishCall("seen", null, "1001", 4, CallStatus.Answered, "")], null, callOver: true);

        Assert.That((await store.DueQueuesAsync(10, NoneBusy, IOutboxStore.DefaultTenant)).Calls.Select(c => c.CallKey), Is.EqualTo(new[] { "seen" }));
        Assert.That(await store.CorrectFinishAsync("seen", new FinishCall("seen", null, "1001", 9, CallStatus.Answered, "")), Is.False);

        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.That((await store.DueQueuesAsync(10, NoneBusy, IOutboxStore.DefaultTenant)).Calls.Select(c => c.CallKey), Is.EqualTo(new[] { "guessed", "seen" }), "oldest first once due");
    }

    private static Task<SqliteOutboxStore> OpenAsync(TimeProvider clock)
    {
        string path = Path.Combine(Path.GetTempPath(), "fsbitrix-tests", Guid.NewGuid().ToString("N") + ".db");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return SqliteOutboxStore.OpenAsync(path, clock, CancellationToken.None,
            checkpoints: new WalCheckpointOptions { Interval = TimeSpan.FromDays(1) });
    }
}
