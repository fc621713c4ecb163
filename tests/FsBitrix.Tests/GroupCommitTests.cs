using System.Reactive.Linq;
using FsBitrix.Calls;
using FsBitrix.Core.Calls;
using FsBitrix.Outbox;
using FsBitrix.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace FsBitrix.Tests;

/// <summary>
/// The tracker writes to the outbox in group commits: steps that queue while one transaction runs go together in
/// the next, in order, each call keeping its last state.
/// </summary>
[CancelAfter(60_000)]
public class GroupCommitTests
{
    [Test]
    public async Task A_burst_of_events_arriving_during_a_write_costs_a_few_transactions_not_one_per_event()
    {
        await using ServiceHarness h = await ServiceHarness.StartAsync();
        IOutboxStore store = h.Service!.Services.GetRequiredService<IOutboxStore>();
        CallTracker tracker = h.Service.Services.GetRequiredService<CallTracker>();
        var firstHeld = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int appends = 0;
        store.BeforeAppend = async ct =>
        {
            if (Interlocked.Increment(ref appends) == 1)
            {
                firstHeld.TrySetResult();
                await release.Task.WaitAsync(ct);
            }
        };
        var steps = new List<CallStep>();
        using IDisposable watch = tracker.Steps.Subscribe(s => { lock (steps) { steps.Add(s); } });

        Replay[] calls = [await h.PrepareAsync("s1_inbound_answered.raw"), await h.PrepareAsync("s2_ring_all.raw"), await h.PrepareAsync("s1_inbound_answered.raw")];
        // Released only once every event has been taken in: on a loaded machine the socket may still be reading when
        // the first write is held, and events read after the release would go out in small groups of their own. This
        // subscriber comes after the tracker's, so it counts an event once the tracker has queued its step.
        int total = calls.Sum(c => c.Frames.Count), taken = 0;
        var allTaken = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using IDisposable counting = h.Service.Services.GetRequiredService<Esl.Inbound.EslInboundClient>().SelectEvents(e => e)
            .Subscribe(_ =>
            {
                if (Interlocked.Increment(ref taken) == total)
                {
                    allTaken.TrySetResult();
                }
            });
        foreach (Replay call in calls)
        {
            await h.FreeSwitch.SendAsync(call.Frames);
        }

        await firstHeld.Task.WaitAsync(ServiceHarness.Patience);
        await allTaken.Task.WaitAsync(ServiceHarness.Patience);
        release.SetResult();
        await h.SettledAsync();

        Assert.That(steps, Has.Count.GreaterThan(25), "three calls, each changing state on a dozen or more events");
        Assert.That(appends, Is.LessThan(steps.Count / 4), "steps queued behind the held write went out together");
        Assert.That(h.Portal.State.FinishedCalls, Has.Count.EqualTo(3));
        Assert.That(h.Portal.State.RequestCount("telephony.externalcall.register"), Is.EqualTo(3));
    }

    [Test]
    public async Task One_transaction_keeps_every_command_in_order_and_each_calls_last_state()
    {
        string folder = Directory.CreateTempSubdirectory("fsbitrix-group").FullName;
        try
        {
            await using SqliteOutboxStore store = await SqliteOutboxStore.OpenAsync(Path.Combine(folder, "o.db"), TimeProvider.System,
                CancellationToken.None);
            CallCommand register = new RegisterCall("a", "a", CallType.Inbound, "+79161234567", "74951234567", null, null);
            CallCommand show = new ShowCard("a", null, "1001");
            CallCommand other = new RegisterCall("b", "b", CallType.Inbound, "+79160000000", null, null, null);

            await store.AppendAsync([
                new OutboxWrite("a", [register], "{\"old\":1}", false),
                new OutboxWrite("b", [other], "{\"b\":1}", false),
                new OutboxWrite("a", [show], "{\"new\":1}", false),
                new OutboxWrite("b", [], null, true),
            ]);

            Assert.That(await store.LiveCallStatesAsync(), Is.EqualTo(new[] { ("a", "{\"new\":1}") }), "b is over; a kept its last state");
            IReadOnlyList<OutboxEntry> heads = [.. (await store.DueQueuesAsync(10, new HashSet<string>(), IOutboxStore.DefaultTenant)).Calls.Select(c => c.Head)];
            Assert.That(heads.Select(e => e.Command), Is.EqualTo(new[] { register, other }), "the first command of each call, oldest first");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
