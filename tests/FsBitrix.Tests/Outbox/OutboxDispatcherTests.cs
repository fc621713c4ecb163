using FsBitrix.Core.Status;
using System.Threading.Channels;
using FsBitrix.Bitrix24;
using FsBitrix.Bitrix24.Batch;
using FsBitrix.Bitrix24.Telephony;
using FsBitrix.Bitrix24.Users;
using FsBitrix.Core.Calls;
using FsBitrix.Outbox;
using FsBitrix.Recordings;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace FsBitrix.Tests.Outbox;

/// <summary>
/// The dispatcher on a clock that moves only when the test says: whatever it sends, it sends because something woke it
/// (an append, a delivery that ended, a command falling due), never because its idle poll came round.
/// </summary>
[CancelAfter(30_000)]
public class OutboxDispatcherTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Test]
    public async Task When_every_slot_is_taken_the_delivery_that_ends_starts_the_next_call_s_command()
    {
        string path = Path.Combine(Path.GetTempPath(), "fsbitrix-tests", Guid.NewGuid().ToString("N") + ".db");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using SqliteOutboxStore store = await SqliteOutboxStore.OpenAsync(path, clock);
        var client = new HeldRegisters();
        var delivery = new CommandDelivery(client, store, new NoUsers(), new NoRecordings(), new CallerCrmMatches(false, clock),
            new DeliveryOptions(), clock);
        using var dispatcher = new OutboxDispatcher(store, delivery, new DeliveryOptions { Parallelism = 1 }, new OpenDeliveryGate(),
            clock, NullLogger<OutboxDispatcher>.Instance);
        await store.AppendAsync("a", [Register("a")], null, callOver: false);
        await store.AppendAsync("b", [Register("b")], null, callOver: false);

        await dispatcher.StartAsync(CancellationToken.None);
        string first = await client.Requested.Reader.ReadAsync().AsTask().WaitAsync(Patience);
        client.Answer(first);
        string second = await client.Requested.Reader.ReadAsync().AsTask().WaitAsync(Patience);
        client.Answer(second);
        await dispatcher.StopAsync(CancellationToken.None);

        Assert.That(new[] { first, second }, Is.EqualTo(new[] { "a", "b" }));
    }

    [Test]
    public async Task A_card_falls_due_on_time_while_another_call_s_request_is_still_out()
    {
        string path = Path.Combine(Path.GetTempPath(), "fsbitrix-tests", Guid.NewGuid().ToString("N") + ".db");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        // The store's checkpointer runs on this clock too; its day-long timer is told apart from the dispatcher's.
        TimeSpan checkpointInterval = TimeSpan.FromDays(1);
        var clock = new WatchedClock(DateTimeOffset.UtcNow, ignore: checkpointInterval);
        await using SqliteOutboxStore store = await SqliteOutboxStore.OpenAsync(path, clock, CancellationToken.None,
            checkpoints: new WalCheckpointOptions { Interval = checkpointInterval });
        var client = new HeldRegisters();
        var delivery = new CommandDelivery(client, store, new EveryoneIsUserSeven(), new NoRecordings(), new CallerCrmMatches(false, clock),
            new DeliveryOptions(), clock);
        using var dispatcher = new OutboxDispatcher(store, delivery, new DeliveryOptions(), new OpenDeliveryGate(),
            clock, NullLogger<OutboxDispatcher>.Instance);
        await store.AppendAsync("a", [new ShowCard("a", "externalCall.a", "1001")], null, callOver: false);
        await store.AppendAsync("b", [Register("b")], null, callOver: false);

        await dispatcher.StartAsync(CancellationToken.None);
        string first = await client.Requested.Reader.ReadAsync().AsTask().WaitAsync(Patience);
        // The loop parks once b's register is out: the card's coalescing wait is what it must wake for.
        TimeSpan parkedFor = await clock.Timers.Reader.ReadAsync().AsTask().WaitAsync(Patience);
        clock.Advance(store.CardCoalescing);
        string second = await client.Requested.Reader.ReadAsync().AsTask().WaitAsync(Patience);
        client.Answer(first);
        await dispatcher.StopAsync(CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(new[] { first, second }, Is.EqualTo(new[] { "b", "show externalCall.a" }));
            Assert.That(parkedFor, Is.LessThanOrEqualTo(store.CardCoalescing), "parked until the card is due, not for the idle poll");
        });
    }

    [Test]
    public async Task A_committed_command_leaves_from_the_committing_thread_while_the_loop_is_parked()
    {
        string path = Path.Combine(Path.GetTempPath(), "fsbitrix-tests", Guid.NewGuid().ToString("N") + ".db");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        TimeSpan checkpointInterval = TimeSpan.FromDays(1);
        var clock = new WatchedClock(DateTimeOffset.UtcNow, ignore: checkpointInterval);
        await using SqliteOutboxStore store = await SqliteOutboxStore.OpenAsync(path, clock, CancellationToken.None,
            checkpoints: new WalCheckpointOptions { Interval = checkpointInterval });
        var client = new HeldRegisters();
        var delivery = new CommandDelivery(client, store, new NoUsers(), new NoRecordings(), new CallerCrmMatches(false, clock),
            new DeliveryOptions(), clock);
        using var dispatcher = new OutboxDispatcher(store, delivery, new DeliveryOptions(), new OpenDeliveryGate(),
            clock, NullLogger<OutboxDispatcher>.Instance);
        await dispatcher.StartAsync(CancellationToken.None);
        await clock.Timers.Reader.ReadAsync().AsTask().WaitAsync(Patience); // the loop found nothing and parked

        // A thread of its own, as the outbox writer's: the loop's continuation can never run on it.
        int committer = 0;
        var committed = new Thread(() =>
        {
            committer = Environment.CurrentManagedThreadId;
            store.AppendAsync("a", [Register("a")], null, callOver: false).GetAwaiter().GetResult();
            dispatcher.Appended();
        });
        committed.Start();
        string sent = await client.Requested.Reader.ReadAsync().AsTask().WaitAsync(Patience);
        committed.Join();
        client.Answer(sent);
        await dispatcher.StopAsync(CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(sent, Is.EqualTo("a"));
            Assert.That(client.RequestThreads, Is.EqualTo(new[] { committer }), "requested on the committing thread, not the loop's");
        });
    }

    [Test]
    public async Task Commands_committed_on_many_threads_while_the_loop_runs_go_out_once_each_in_each_call_s_order()
    {
        // Committing threads and the loop take turns at the pass; none may start a command twice or skip one.
        string path = Path.Combine(Path.GetTempPath(), "fsbitrix-tests", Guid.NewGuid().ToString("N") + ".db");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await using SqliteOutboxStore store = await SqliteOutboxStore.OpenAsync(path, TimeProvider.System);
        var client = new AnsweringClient();
        var delivery = new CommandDelivery(client, store, new NoUsers(), new NoRecordings(), new CallerCrmMatches(false, TimeProvider.System),
            new DeliveryOptions(), TimeProvider.System);
        using var dispatcher = new OutboxDispatcher(store, delivery, new DeliveryOptions { Parallelism = 3 }, new OpenDeliveryGate(),
            TimeProvider.System, NullLogger<OutboxDispatcher>.Instance);
        const int Threads = 6, CallsPerThread = 20;
        var allSent = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int delivered = 0;
        dispatcher.CommandDelivered += (_, _) =>
        {
            if (Interlocked.Increment(ref delivered) == Threads * CallsPerThread * 2)
            {
                allSent.TrySetResult();
            }
        };
        await dispatcher.StartAsync(CancellationToken.None);

        Thread[] committers = Enumerable.Range(0, Threads).Select(t => new Thread(() =>
        {
            for (int c = 0; c < CallsPerThread; c++)
            {
                string key = $"t{t}c{c}";
                store.AppendAsync(key, [Register(key)], null, callOver: false).GetAwaiter().GetResult();
                dispatcher.Appended();
                store.AppendAsync(key, [new FinishCall(key, null, null, 42, CallStatus.Answered, string.Empty, UserId: 1)], null, callOver: true)
                    .GetAwaiter().GetResult();
                dispatcher.Appended();
            }
        })).ToArray();
        foreach (Thread committer in committers)
        {
            committer.Start();
        }

        await allSent.Task.WaitAsync(TimeSpan.FromSeconds(20));
        foreach (Thread committer in committers)
        {
            committer.Join();
        }

        await dispatcher.StopAsync(CancellationToken.None);

        List<string> sent = client.Sent();
        Assert.Multiple(() =>
        {
            Assert.That(sent, Has.Count.EqualTo(Threads * CallsPerThread * 2), "each command once");
            Assert.That(sent, Is.Unique);
            foreach (string key in Enumerable.Range(0, Threads).SelectMany(t => Enumerable.Range(0, CallsPerThread).Select(c => $"t{t}c{c}")))
            {
                Assert.That(sent.IndexOf("register " + key), Is.LessThan(sent.IndexOf("finish externalCall." + key)), key);
            }
        });
    }

    [Test]
    public async Task Ten_calls_due_together_leave_in_two_requests_each_with_its_register_before_its_finish()
    {
        string path = Path.Combine(Path.GetTempPath(), "fsbitrix-tests", Guid.NewGuid().ToString("N") + ".db");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await using SqliteOutboxStore store = await SqliteOutboxStore.OpenAsync(path, TimeProvider.System);
        var client = new AnsweringClient();
        var delivery = new CommandDelivery(client, store, new NoUsers(), new NoRecordings(), new CallerCrmMatches(false, TimeProvider.System),
            new DeliveryOptions(), TimeProvider.System);
        using var dispatcher = new OutboxDispatcher(store, delivery, new DeliveryOptions(), new OpenDeliveryGate(),
            TimeProvider.System, NullLogger<OutboxDispatcher>.Instance);
        string[] keys = [.. Enumerable.Range(0, 10).Select(i => "c" + i)];
        await store.AppendAsync([.. keys.Select(k => new OutboxWrite(k,
            [Register(k), new FinishCall(k, null, null, 42, CallStatus.Answered, string.Empty, UserId: 1)], null, CallOver: true))]);
        var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int delivered = 0;
        dispatcher.CommandDelivered += (_, _) =>
        {
            if (Interlocked.Increment(ref delivered) == 20)
            {
                all.TrySetResult();
            }
        };

        await dispatcher.StartAsync(CancellationToken.None);
        await all.Task.WaitAsync(Patience);
        await dispatcher.StopAsync(CancellationToken.None);

        List<string> sent = client.Sent();
        Assert.Multiple(() =>
        {
            Assert.That(client.Batches, Is.EqualTo(2), "ten registers in one request, their ten finishes in the next (never with their own register)");
            Assert.That(sent, Has.Count.EqualTo(20));
            foreach (string key in keys)
            {
                Assert.That(sent.IndexOf("register " + key), Is.LessThan(sent.IndexOf("finish externalCall." + key)), key);
            }
        });
    }

    [Test]
    public async Task Short_of_budget_a_finish_lingers_to_ride_with_the_next_card_and_an_upload_waits_for_budget_left_over()
    {
        string path = Path.Combine(Path.GetTempPath(), "fsbitrix-tests", Guid.NewGuid().ToString("N") + ".db");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        TimeSpan checkpointInterval = TimeSpan.FromDays(1);
        var clock = new WatchedClock(DateTimeOffset.UtcNow, ignore: checkpointInterval);
        await using SqliteOutboxStore store = await SqliteOutboxStore.OpenAsync(path, clock, CancellationToken.None,
            checkpoints: new WalCheckpointOptions { Interval = checkpointInterval });
        // A bucket of 12 with 2 left: below the 10 kept for cards, but a request may still leave now.
        var limiter = new Bitrix24.RateLimiting.LeakyBucketLimiter(new Bitrix24.RateLimiting.LeakyBucketOptions { DrainPerSecond = 1, Burst = 12 }, clock);
        for (int i = 0; i < 10; i++)
        {
            await limiter.WaitAsync();
        }

        var client = new AnsweringClient();
        var options = new DeliveryOptions { Linger = TimeSpan.FromSeconds(1), ReserveRequests = 10 };
        var delivery = new CommandDelivery(client, store, new NoUsers(), new NoRecordings(), new CallerCrmMatches(false, clock), options, clock, limiter);
        using var dispatcher = new OutboxDispatcher(store, delivery, options, new OpenDeliveryGate(), clock, NullLogger<OutboxDispatcher>.Instance);
        var delivered = Channel.CreateUnbounded<string>();
        dispatcher.CommandDelivered += (e, _) => delivered.Writer.TryWrite(e.Command.GetType().Name + " " + e.CallKey);
        await store.AppendAsync("a", [new FinishCall("a", "externalCall.a", null, 42, CallStatus.Answered, string.Empty, UserId: 1)], null, callOver: true);
        await store.AppendAsync("u", [new AttachRecording("u", "externalCall.u", "/rec/u.wav")], null, callOver: true);

        await dispatcher.StartAsync(CancellationToken.None);
        TimeSpan parked = await clock.Timers.Reader.ReadAsync().AsTask().WaitAsync(Patience);
        Assert.That(client.Sent(), Is.Empty, "the finish lingers, the upload waits: budget is short and neither is a card");
        Assert.That(parked, Is.LessThanOrEqualTo(options.Linger));

        await store.AppendAsync("b", [Register("b")], null, callOver: false);
        dispatcher.Appended();
        string[] next = [.. await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => delivered.Reader.ReadAsync().AsTask().WaitAsync(Patience)))];
        await dispatcher.StopAsync(CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(next, Is.EquivalentTo(new[] { "RegisterCall b", "FinishCall a", "AttachRecording u" }),
                "the upload goes once nothing else waits for the budget");
            Assert.That(client.Batches, Is.EqualTo(1), "the card's register and the finish in one request");
            Assert.That(client.Sent(), Is.EqualTo(new[] { "register b", "finish externalCall.a" }));
        });
    }

    private static RegisterCall Register(string key) =>
        new(key, key, FsBitrix.Core.Calls.CallType.Inbound, "+79161234567", "74951234567", null, DateTimeOffset.UtcNow);

    /// <summary>The client a test's fake builds on: every method the test does not override fails loudly.</summary>
    private abstract class ClientForTheTest : IBitrix24Client
    {
        public virtual Task<RegisteredCall> RegisterCallAsync(RegisterCallRequest request, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public virtual Task<bool> ShowCallAsync(string callId, IReadOnlyCollection<int> userIds, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public virtual Task<bool> HideCallAsync(string callId, IReadOnlyCollection<int> userIds, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public virtual Task<FinishResult> FinishCallAsync(FinishCallRequest request, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public virtual Task<AttachedRecord> AttachRecordAsync(AttachRecordRequest request, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public virtual Task<IReadOnlyList<CrmEntityMatch>> SearchCrmEntitiesAsync(string phoneNumber, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public virtual Task<UserPage> GetUsersPageAsync(UserFilter filter, long start = 0, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public virtual Task<IReadOnlyList<Bitrix24User>> GetUsersAsync(UserFilter filter, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        /// <summary>
        /// A batch as its commands, one by one through the methods above (in order, so a $result reference to an earlier
        /// register resolves): a test's fake answers batched commands exactly as it answers requests of their own.
        /// </summary>
        public virtual async Task<BatchResult> BatchAsync(IReadOnlyList<BatchCommand> commands, bool halt = false, CancellationToken cancellationToken = default)
        {
            var results = new Dictionary<string, System.Text.Json.JsonElement>();
            var errors = new Dictionary<string, BatchError>();
            foreach (BatchCommand command in commands)
            {
                Dictionary<string, object> p = command.Parameters.ToDictionary(kv => kv.Key, kv => kv.Value);
                string callId = p.TryGetValue("CALL_ID", out object? id) ? id is BatchReference r
                    ? results[r.Key].GetProperty("CALL_ID").GetString()! : (string)id : string.Empty;
                try
                {
                    object result = command.Method switch
                    {
                        Bitrix24Methods.Register => new Dictionary<string, string>
                        {
                            ["CALL_ID"] = (await RegisterCallAsync(new RegisterCallRequest
                            {
                                ExternalCallId = (string)p["EXTERNAL_CALL_ID"], PhoneNumber = (string)p["PHONE_NUMBER"],
                                Type = Bitrix24.Telephony.CallType.Incoming, CallStartDate = DateTimeOffset.UnixEpoch,
                            }, cancellationToken)).CallId,
                        },
                        Bitrix24Methods.Show => await ShowCallAsync(callId, [7], cancellationToken),
                        Bitrix24Methods.Hide => await HideCallAsync(callId, [7], cancellationToken),
                        Bitrix24Methods.Finish => await FinishCallAsync(new FinishCallRequest
                        {
                            CallId = callId, Duration = (int)(long)p["DURATION"], StatusCode = (string)p["STATUS_CODE"], UserId = 1,
                        }, cancellationToken) is { } ? new Dictionary<string, string> { ["CALL_ID"] = callId } : null!,
                        _ => throw new NotSupportedException(command.Method),
                    };
                    results[command.Key] = System.Text.Json.JsonSerializer.SerializeToElement(result);
                }
                catch (Bitrix24.Errors.Bitrix24Exception e) when (e.HttpStatus == 200)
                {
                    errors[command.Key] = new BatchError(e.Error, e.ErrorDescription);
                }
            }

            return new BatchResult(results, errors, new Dictionary<string, long>(), new Dictionary<string, long>());
        }
    }

    [Test]
    public async Task When_the_portal_answers_again_every_waiting_call_goes_at_once_not_when_its_retry_delay_ends()
    {
        string path = Path.Combine(Path.GetTempPath(), "fsbitrix-tests", Guid.NewGuid().ToString("N") + ".db");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        TimeSpan checkpointInterval = TimeSpan.FromDays(1);
        var clock = new WatchedClock(DateTimeOffset.UtcNow, ignore: checkpointInterval);
        await using SqliteOutboxStore store = await SqliteOutboxStore.OpenAsync(path, clock, CancellationToken.None,
            checkpoints: new WalCheckpointOptions { Interval = checkpointInterval });
        var client = new PortalDown();
        var options = new DeliveryOptions { FirstRetry = TimeSpan.FromSeconds(2) };
        var delivery = new CommandDelivery(client, store, new NoUsers(), new NoRecordings(), new CallerCrmMatches(false, clock), options, clock);
        using var dispatcher = new OutboxDispatcher(store, delivery, options, new OpenDeliveryGate(), clock, NullLogger<OutboxDispatcher>.Instance);

        // Call a fails at 0 s and again at 2 s (next try at 6 s); call b, come at 2 s, fails (next try at 4 s).
        await store.AppendAsync("a", [Register("a")], null, callOver: false);
        await dispatcher.StartAsync(CancellationToken.None);
        Assert.That(await client.NextAsync(), Is.EqualTo("a"));
        await clock.ParkedAsync(TimeSpan.FromSeconds(2));
        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.That(await client.NextAsync(), Is.EqualTo("a"));
        await store.AppendAsync("b", [Register("b")], null, callOver: false);
        dispatcher.Appended();
        Assert.That(await client.NextAsync(), Is.EqualTo("b"));

        // The portal is back at 4 s: b's retry succeeds, and a goes at once instead of at 6 s.
        client.Up = true;
        await clock.ParkedAsync(TimeSpan.FromSeconds(2));
        clock.Advance(TimeSpan.FromSeconds(2));
        string[] after = [await client.NextAsync(), await client.NextAsync()];
        await dispatcher.StopAsync(CancellationToken.None);

        Assert.That(after, Is.EqualTo(new[] { "b", "a" }));
    }

    [Test]
    public async Task A_card_that_waited_out_an_outage_is_not_shown_once_its_call_is_over()
    {
        string path = Path.Combine(Path.GetTempPath(), "fsbitrix-tests", Guid.NewGuid().ToString("N") + ".db");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        TimeSpan checkpointInterval = TimeSpan.FromDays(1);
        var clock = new WatchedClock(DateTimeOffset.UtcNow, ignore: checkpointInterval);
        await using SqliteOutboxStore store = await SqliteOutboxStore.OpenAsync(path, clock, CancellationToken.None,
            checkpoints: new WalCheckpointOptions { Interval = checkpointInterval });
        var client = new PortalDown();
        var options = new DeliveryOptions { FirstRetry = TimeSpan.FromSeconds(2) };
        var delivery = new CommandDelivery(client, store, new EveryoneIsUserSeven(), new NoRecordings(), new CallerCrmMatches(false, clock),
            options, clock);
        using var dispatcher = new OutboxDispatcher(store, delivery, options, new OpenDeliveryGate(), clock, NullLogger<OutboxDispatcher>.Instance);
        await store.AppendAsync("a", [new ShowCard("a", "externalCall.a", "1001")], null, callOver: false);
        await dispatcher.StartAsync(CancellationToken.None);
        await clock.ParkedAsync(store.CardCoalescing);
        clock.Advance(store.CardCoalescing);
        Assert.That(await client.NextAsync(), Is.EqualTo("show externalCall.a"), "the portal is down");

        // The client hangs up while the portal is still down: the finish queues behind the card.
        await store.AppendAsync("a", [new FinishCall("a", "externalCall.a", "1001", 0, CallStatus.Missed, "Caller hung up")], null, callOver: true);
        client.Up = true;
        await clock.ParkedAsync(TimeSpan.FromSeconds(2));
        clock.Advance(TimeSpan.FromSeconds(2));
        string next = await client.NextAsync();
        await dispatcher.StopAsync(CancellationToken.None);

        Assert.That(next, Is.EqualTo("finish externalCall.a"), "the card of a call already over is not shown late");
    }

    [Test]
    public async Task A_hide_that_waited_out_an_outage_still_goes_after_the_call_is_over()
    {
        string path = Path.Combine(Path.GetTempPath(), "fsbitrix-tests", Guid.NewGuid().ToString("N") + ".db");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        TimeSpan checkpointInterval = TimeSpan.FromDays(1);
        var clock = new WatchedClock(DateTimeOffset.UtcNow, ignore: checkpointInterval);
        await using SqliteOutboxStore store = await SqliteOutboxStore.OpenAsync(path, clock, CancellationToken.None,
            checkpoints: new WalCheckpointOptions { Interval = checkpointInterval });
        var client = new PortalDown();
        var options = new DeliveryOptions { FirstRetry = TimeSpan.FromSeconds(2) };
        var delivery = new CommandDelivery(client, store, new EveryoneIsUserSeven(), new NoRecordings(), new CallerCrmMatches(false, clock),
            options, clock);
        using var dispatcher = new OutboxDispatcher(store, delivery, options, new OpenDeliveryGate(), clock, NullLogger<OutboxDispatcher>.Instance);

        // A colleague's card was shown before the portal went down; its hide waits out the outage, the finish behind it.
        await store.AppendAsync("a", [new HideCard("a", "externalCall.a", "1002")], null, callOver: false);
        await dispatcher.StartAsync(CancellationToken.None);
        await clock.ParkedAsync(store.CardCoalescing);
        clock.Advance(store.CardCoalescing);
        Assert.That(await client.NextAsync(), Is.EqualTo("hide externalCall.a"), "the portal is down");
        await store.AppendAsync("a", [new FinishCall("a", "externalCall.a", "1001", 5, CallStatus.Answered, string.Empty)], null, callOver: true);
        client.Up = true;
        await clock.ParkedAsync(TimeSpan.FromSeconds(2));
        clock.Advance(TimeSpan.FromSeconds(2));
        string[] next = [await client.NextAsync(), await client.NextAsync()];
        await dispatcher.StopAsync(CancellationToken.None);

        Assert.That(next, Is.EqualTo(new[] { "hide externalCall.a", "finish externalCall.a" }), "a finish closes only its own user's card");
    }

    /// <summary>Every register fails as an outage (503) until <see cref="Up"/>; each attempt is told to the test.</summary>
    private sealed class PortalDown : ClientForTheTest
    {
        private readonly Channel<string> _attempts = Channel.CreateUnbounded<string>();

        public volatile bool Up;

        public Task<string> NextAsync() => _attempts.Reader.ReadAsync().AsTask().WaitAsync(Patience);

        public override Task<RegisteredCall> RegisterCallAsync(RegisterCallRequest request, CancellationToken cancellationToken = default)
        {
            _attempts.Writer.TryWrite(request.ExternalCallId);
            return Up
                ? Task.FromResult(new RegisteredCall { CallId = "externalCall." + request.ExternalCallId })
                : Task.FromException<RegisteredCall>(Outage("telephony.externalcall.register"));
        }

        public override Task<bool> ShowCallAsync(string callId, IReadOnlyCollection<int> userIds, CancellationToken cancellationToken = default)
        {
            _attempts.Writer.TryWrite("show " + callId);
            return Up ? Task.FromResult(true) : Task.FromException<bool>(Outage("telephony.externalcall.show"));
        }

        public override Task<bool> HideCallAsync(string callId, IReadOnlyCollection<int> userIds, CancellationToken cancellationToken = default)
        {
            _attempts.Writer.TryWrite("hide " + callId);
            return Up ? Task.FromResult(true) : Task.FromException<bool>(Outage("telephony.externalcall.hide"));
        }

        public override Task<FinishResult> FinishCallAsync(FinishCallRequest request, CancellationToken cancellationToken = default)
        {
            _attempts.Writer.TryWrite("finish " + request.CallId);
            return Up ? Task.FromResult(new FinishResult(FinishOutcome.Finished, null)) : Task.FromException<FinishResult>(Outage("telephony.externalcall.finish"));
        }

        private static Bitrix24.Errors.Bitrix24Exception Outage(string method) =>
            new(method, Bitrix24.Errors.Bitrix24ErrorKind.Transient, 503, string.Empty, "Service Unavailable", mayHaveExecuted: false);
    }

    /// <summary>Each register waits until the test answers it.</summary>
    private sealed class HeldRegisters : ClientForTheTest
    {
        private readonly Dictionary<string, TaskCompletionSource<RegisteredCall>> _held = [];

        public Channel<string> Requested { get; } = Channel.CreateUnbounded<string>();

        public List<int> RequestThreads { get; } = [];

        public void Answer(string externalCallId)
        {
            TaskCompletionSource<RegisteredCall> held;
            lock (_held)
            {
                held = _held[externalCallId];
            }

            held.SetResult(new RegisteredCall { CallId = "externalCall." + externalCallId });
        }

        public override Task<RegisteredCall> RegisterCallAsync(RegisterCallRequest request, CancellationToken cancellationToken = default)
        {
            var held = new TaskCompletionSource<RegisteredCall>();
            lock (_held)
            {
                _held[request.ExternalCallId] = held;
                RequestThreads.Add(Environment.CurrentManagedThreadId);
            }

            Requested.Writer.TryWrite(request.ExternalCallId);
            return held.Task;
        }

        public override Task<bool> ShowCallAsync(string callId, IReadOnlyCollection<int> userIds, CancellationToken cancellationToken = default)
        {
            Requested.Writer.TryWrite("show " + callId);
            return Task.FromResult(true);
        }

    }

    /// <summary>Answers every register and finish on the pool, after a yield, and keeps the order they were asked in.</summary>
    private sealed class AnsweringClient : ClientForTheTest
    {
        private readonly List<string> _sent = [];
        private int _batches;

        public int Batches => Volatile.Read(ref _batches);

        public override Task<BatchResult> BatchAsync(IReadOnlyList<BatchCommand> commands, bool halt = false, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _batches);
            return base.BatchAsync(commands, halt, cancellationToken);
        }

        public List<string> Sent()
        {
            lock (_sent)
            {
                return [.. _sent];
            }
        }

        public override async Task<RegisteredCall> RegisterCallAsync(RegisterCallRequest request, CancellationToken cancellationToken = default)
        {
            Record("register " + request.ExternalCallId);
            await Task.Yield();
            return new RegisteredCall { CallId = "externalCall." + request.ExternalCallId };
        }

        public override async Task<FinishResult> FinishCallAsync(FinishCallRequest request, CancellationToken cancellationToken = default)
        {
            Record("finish " + request.CallId);
            await Task.Yield();
            return new FinishResult(FinishOutcome.Finished, null);
        }

        private void Record(string request)
        {
            lock (_sent)
            {
                _sent.Add(request);
            }
        }
    }

    private sealed class NoUsers : IUserResolver
    {
        public bool IsReady => true;

        public int? UserIdOf(string extension) => null;
    }

    private sealed class EveryoneIsUserSeven : IUserResolver
    {
        public bool IsReady => true;

        public int? UserIdOf(string extension) => 7;
    }

    /// <summary>A fake clock that tells the test each timer started on it (how long the dispatcher means to wait).</summary>
    private sealed class WatchedClock(DateTimeOffset start, TimeSpan ignore) : FakeTimeProvider(start)
    {
        public Channel<TimeSpan> Timers { get; } = Channel.CreateUnbounded<TimeSpan>();

        /// <summary>Completes once a timer of at most <paramref name="due"/> is started: the loop waits for a retry falling due.</summary>
        public async Task ParkedAsync(TimeSpan due)
        {
            while (await Timers.Reader.ReadAsync().AsTask().WaitAsync(Patience) > due)
            {
            }
        }

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            ITimer timer = base.CreateTimer(callback, state, dueTime, period);
            if (dueTime != ignore)
            {
                Timers.Writer.TryWrite(dueTime);
            }

            return timer;
        }
    }

    private sealed class NoRecordings : IRecordingSource
    {
        public bool SendsLinks => false;

        public Task<PreparedRecording> PrepareAsync(string callId, string filePath, CancellationToken cancellationToken) =>
            Task.FromResult<PreparedRecording>(new PreparedRecording.Missing());
    }
}
