using FsBitrix.Core.Calls;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FsBitrix.Outbox;

/// <summary>
/// Delivers the outbox: each request carries the due commands of many calls (a <c>batch</c> of up to 50, planned by
/// <see cref="BatchPlanner"/>: cards of ringing phones first, then hides, finishes, recordings), each call's commands in
/// their order and one request per call at a time. A failing command waits (with backoff) without holding up other
/// calls; nothing is marked done before Bitrix24 answered, so a crash at any point means redelivery, never loss.
/// </summary>
/// <remarks>
/// A pass (read the due heads, start their requests) runs on the loop, or on the thread that committed new commands
/// (<see cref="Appended"/>) when no pass is running: the request then leaves without waiting for the loop's thread to
/// be woken and scheduled, a hop that on a busy two-core host costs milliseconds now and then.
/// </remarks>
internal sealed partial class OutboxDispatcher(
    IOutboxStore store,
    CommandDelivery delivery,
    DeliveryOptions options,
    IDeliveryGate gate,
    TimeProvider time,
    ILogger<OutboxDispatcher> logger,
    string tenant = IOutboxStore.DefaultTenant) : BackgroundService
{
    private static readonly TimeSpan IdlePoll = TimeSpan.FromSeconds(5);
    private readonly SemaphoreSlim _wake = new(0);
    private readonly SemaphoreSlim _pass = new(1, 1);
    private readonly HashSet<string> _busy = [];
    private readonly List<Task> _running = [];
    private readonly Lock _gate = new();
    private CancellationToken _stopping = new(canceled: true);
    private long _delivered;
    private long _budgetWaits;
    private TimeSpan _budgetWaited;
    private long _failingSinceTicks;
    private long _bottleneckSaidTicks;
    private int _releaseRequested;

    /// <summary>The company whose commands this dispatcher delivers (each portal has its own slots, order and gate).</summary>
    public string Tenant => tenant;

    // " (b.example)" after a call key in the logs of an extra company's dispatcher; nothing for the default's.
    private readonly string _portal = tenant.Length == 0 ? string.Empty : $" ({tenant})";

    /// <summary>When Bitrix24 last answered a command successfully (health).</summary>
    public DateTimeOffset? LastSuccess { get; private set; }

    public long Delivered => Interlocked.Read(ref _delivered);

    /// <summary>Passes that held the next request because the portal's request budget was spent, and for how long in all.</summary>
    public long BudgetWaits => Interlocked.Read(ref _budgetWaits);

    public TimeSpan BudgetWaited
    {
        get
        {
            lock (_gate)
            {
                return _budgetWaited;
            }
        }
    }

    /// <summary>Fired after each delivered command (tests and the demo page await it).</summary>
    public event Action<OutboxEntry, DeliveryResult>? CommandDelivered;

    /// <summary>New commands were appended: look now instead of at the next poll.</summary>
    public void Wake() => _wake.Release();

    /// <summary>
    /// New commands were committed: starts the due ones on the calling thread if no pass is running, else has the
    /// loop look again (the running pass may have read before the commit).
    /// </summary>
    public void Appended()
    {
        CancellationToken stopping = _stopping;
        if (stopping.IsCancellationRequested || !gate.IsOpen || !_pass.Wait(0))
        {
            _wake.Release();
            return;
        }

        // Stopping may have begun while the pass was taken: the loop's last wait must see every delivery started.
        if (stopping.IsCancellationRequested)
        {
            _pass.Release();
            return;
        }

        _ = PassOnCallerAsync(stopping);
    }

    private async Task PassOnCallerAsync(CancellationToken stoppingToken)
    {
        try
        {
            // A command falling due later (a card's coalescing) is the loop's to wait for.
            if ((await PassAsync(stoppingToken).ConfigureAwait(false)) is { NextDue: not null } or { MoreDue: true })
            {
                _wake.Release();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
#pragma warning disable CA1031 // the commands are durable: the loop delivers them if this pass cannot
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogPassFailed(ex);
            _wake.Release();
        }
        finally
        {
            _pass.Release();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _stopping = stoppingToken;
        gate.Opened += ReleaseWaiting;
        try
        {
            await DeliverWhileRunningAsync(stoppingToken).ConfigureAwait(false);
        }
        finally
        {
            gate.Opened -= ReleaseWaiting;
        }
    }

    /// <summary>The gate opened (a new install): the loop releases what waited out an authorization failure.</summary>
    private void ReleaseWaiting()
    {
        Interlocked.Exchange(ref _releaseRequested, 1);
        Wake();
    }

    // On the loop, not in the event handler: the gate's raiser must not run (or lose) our database work.
    private async Task ReleaseIfRequestedAsync(CancellationToken stoppingToken)
    {
        if (Interlocked.Exchange(ref _releaseRequested, 0) == 0)
        {
            return;
        }

        try
        {
            await store.ReleaseWaitingAsync(tenant, stoppingToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The commands still go out, at their own retry time.
            LogReleaseFailed(ex);
        }
    }

    private async Task DeliverWhileRunningAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            await ReleaseIfRequestedAsync(stoppingToken).ConfigureAwait(false);
            if (!gate.IsOpen)
            {
                // Opening the gate wakes the loop.
                await WaitAsync(next: null, stoppingToken).ConfigureAwait(false);
                continue;
            }

            await _pass.WaitAsync(stoppingToken).ConfigureAwait(false);
            Pass pass;
            try
            {
                pass = await PassAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (System.Data.Common.DbException ex)
            {
                // The database cannot be read now (PostgreSQL restarting, a disk error): what waits stays stored; the
                // loop asks again, unhurried, instead of ending (nothing would deliver again before a restart).
                LogDatabaseUnavailable(ex.Message);
                await Task.Delay(DatabaseRetry, time, stoppingToken).ConfigureAwait(false);
                continue;
            }
            finally
            {
                _pass.Release();
            }

            if (!pass.Started && !pass.MoreDue)
            {
                await WaitAsync(pass.NextDue, stoppingToken).ConfigureAwait(false);
            }
        }

        // A pass on a committing thread may be starting deliveries right now: once it is over, every delivery started is
        // among the running ones, and the store they write to outlives them (it is disposed after the dispatcher stops).
        await _pass.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            await Task.WhenAll(Running()).ConfigureAwait(false);
        }
        finally
        {
            _pass.Release();
        }
    }

    /// <summary>
    /// Plans one request from what is due now and starts it (plus recordings that must go on their own). Only under
    /// <see cref="_pass"/>.
    /// </summary>
    /// <remarks>
    /// While the portal's bucket is full the pass waits for it instead of queueing a request behind the limiter: the
    /// request then leaves with everything that fell due meanwhile, and a card written a moment ago is not stuck behind
    /// a batch planned before it.
    /// </remarks>
    private async Task<Pass> PassAsync(CancellationToken stoppingToken)
    {
        DateTimeOffset now = time.GetUtcNow();
        if (delivery.Limiter is { FreeIn: var freeIn } && freeIn > TimeSpan.Zero)
        {
            Interlocked.Increment(ref _budgetWaits);
            lock (_gate)
            {
                _budgetWaited += freeIn;
            }

            await SayIfBottleneckAsync(now, stoppingToken).ConfigureAwait(false);
            return new Pass(false, now + freeIn, false);
        }

        HashSet<string> busy;
        int slots;
        lock (_gate)
        {
            _running.RemoveAll(t => t.IsCompleted);
            busy = [.. _busy];
            slots = Math.Max(0, options.Parallelism - _running.Count);
        }

        if (slots == 0)
        {
            // A delivery that ends wakes the loop.
            return new Pass(false, null, false);
        }

        DueQueues due = await store.DueQueuesAsync(Bitrix24.Bitrix24Methods.MaxBatchCommands, busy, tenant, stoppingToken).ConfigureAwait(false);
        if (due.Calls.Count == 0)
        {
            return new Pass(false, due.NextDue, false);
        }

        BatchPlan plan = BatchPlanner.Plan(due.Calls, now, Bitrix24.Bitrix24Methods.MaxBatchCommands, delivery.CommandsOf, delivery.Batchable,
            delivery.Held);
        await DropAsync(plan.Dropped).ConfigureAwait(false);
        int headroom = delivery.Limiter?.Headroom ?? int.MaxValue;
        bool started = false;
        DateTimeOffset? next = plan.Dropped.Count > 0 ? now : null;
        if (plan.Units > 0)
        {
            // Short of budget, what is not urgent waits a little to ride with the next card rather than cost a request.
            if (!plan.Urgent && !plan.Full && headroom <= options.ReserveRequests && plan.OldestCreated is { } oldest
                && now - oldest < options.Linger)
            {
                next = Earliest(next, oldest + options.Linger);
            }
            else
            {
                Start(plan.Chains.Select(c => c.CallKey), plan.Units == 1
                    ? DeliverAsync(plan.Chains[0].Units[0], stoppingToken)
                    : DeliverBatchAsync(plan.Chains, stoppingToken));
                started = true;
                slots--;
                headroom--;
            }
        }

        // Uploads spend only what cards and reports leave over; with nothing else waiting, all of it — but never more
        // than can leave now: one queued behind the limiter would hold up a card written a moment later. And never the
        // last free slot: an upload may wait long for its file (Recordings:MaxWait), and the next card's request must
        // not wait for it.
        foreach (OutboxEntry upload in plan.Alone.Take(slots - 1))
        {
            if (headroom <= 0 || (plan.Units > 0 && headroom <= options.ReserveRequests))
            {
                next = Earliest(next, now + (headroom <= 0 ? delivery.Limiter?.FreeIn ?? TimeSpan.Zero : options.Linger));
                break;
            }

            Start([upload.CallKey], DeliverAsync(upload, stoppingToken));
            started = true;
            headroom--;
        }

        return new Pass(started, next, plan.Full);
    }

    /// <summary>The portal's request budget is what holds commands back now: its bucket is (nearly) full.</summary>
    public bool BudgetShort => delivery.Limiter is { } limiter && (limiter.FreeIn > TimeSpan.Zero || limiter.Headroom <= options.ReserveRequests);

    /// <summary>Methods waiting for their operating time to be released (or blocked by the portal for it).</summary>
    public IReadOnlyList<string> HeldMethods => delivery.HeldMethods();

    // Once a minute at most, while commands wait for the portal's budget and the oldest has waited long enough to
    // matter (a card is worth something only while the phone rings): the admin sees why cards come late.
    private async Task SayIfBottleneckAsync(DateTimeOffset now, CancellationToken stoppingToken)
    {
        long last = Interlocked.Read(ref _bottleneckSaidTicks);
        if (now.UtcTicks - last < TimeSpan.TicksPerMinute || Interlocked.CompareExchange(ref _bottleneckSaidTicks, now.UtcTicks, last) != last)
        {
            return;
        }

        IReadOnlyList<LaneBacklog> lanes = await store.LanesAsync(tenant, stoppingToken).ConfigureAwait(false);
        if (lanes.Count > 0 && now - lanes.Min(l => l.Oldest) >= BottleneckAge)
        {
            LogBottleneck(_portal, lanes.Sum(l => l.Waiting), (now - lanes.Min(l => l.Oldest)).TotalSeconds,
                string.Join(", ", lanes.Select(l => $"{l.Lane.ToString().ToLowerInvariant()} {l.Waiting}")));
        }
    }

    private static readonly TimeSpan BottleneckAge = TimeSpan.FromSeconds(5);

    private static DateTimeOffset? Earliest(DateTimeOffset? a, DateTimeOffset b) => a is { } x && x < b ? x : b;

    /// <summary>Marks the calls busy and keeps the delivery among the running ones. Only under <see cref="_pass"/>.</summary>
    private void Start(IEnumerable<string> callKeys, Func<Task> deliver)
    {
        lock (_gate)
        {
            _busy.UnionWith(callKeys);
        }

        // Started here, not queued to the pool: the request is on the wire one thread hop sooner.
        Task delivery = deliver();
        lock (_gate)
        {
            _running.Add(delivery);
        }
    }

    /// <summary>Cards whose moment passed before they could be sent (<see cref="BatchPlanner"/>): done, not sent.</summary>
    private async Task DropAsync(IReadOnlyList<OutboxEntry> dropped)
    {
        const string skipped = "not sent: its moment passed (the phone stopped ringing or the call ended) before it could go";
        foreach (OutboxEntry entry in dropped)
        {
            await store.MarkDoneAsync(entry.Id, skipped, CancellationToken.None).ConfigureAwait(false);
            LogDelivered(entry.CallKey, _portal, entry.Command.GetType().Name, skipped);
            CommandDelivered?.Invoke(entry, new DeliveryResult.Done(skipped) { Sent = false });
        }
    }

    /// <summary>
    /// What a pass did: whether it started a request, when to look again if nothing wakes the loop sooner, and whether
    /// more was due than one request could carry (look again at once).
    /// </summary>
    private readonly record struct Pass(bool Started, DateTimeOffset? NextDue, bool MoreDue);

    private List<Task> Running()
    {
        lock (_gate)
        {
            return [.. _running];
        }
    }

    /// <param name="next">When a head of a call not being delivered falls due; a delivery that ends, or an append, wakes
    /// the loop sooner. Without one the loop still looks every <see cref="IdlePoll"/>.</param>
    private async Task WaitAsync(DateTimeOffset? next, CancellationToken stoppingToken)
    {
        TimeSpan wait = next is { } due ? due - time.GetUtcNow() : IdlePoll;
        if (wait <= TimeSpan.Zero)
        {
            return;
        }

        using var cts = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        Task woken = _wake.WaitAsync(cts.Token);
        Task slept = Task.Delay(Clamp(wait), time, cts.Token);
        List<Task> running = Running();
        Task finished = running.Count > 0 ? Task.WhenAny(running) : Task.Delay(Timeout.Infinite, cts.Token);
        try
        {
            await Task.WhenAny(woken, slept, finished).ConfigureAwait(false);
        }
        finally
        {
            await cts.CancelAsync().ConfigureAwait(false);
        }

        // Drain extra wake-ups so one burst of appends costs one pass.
        while (_wake.CurrentCount > 0 && _wake.Wait(0))
        {
        }
    }

    // Due times are whole milliseconds: a shorter wait would wake before the store's clock reaches the due time.
    private static TimeSpan Clamp(TimeSpan wait) =>
        wait < TimeSpan.FromMilliseconds(1) ? TimeSpan.FromMilliseconds(1) : wait > IdlePoll ? IdlePoll : wait;

    private Func<Task> DeliverAsync(OutboxEntry entry, CancellationToken stoppingToken) => async () =>
    {
        try
        {
            DeliveryResult result = await delivery.DeliverAsync(entry, stoppingToken).ConfigureAwait(false);
            await RecordAsync(entry, result).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: the command stays undelivered and goes out after the restart.
        }
#pragma warning disable CA1031 // an unexpected failure of one command must not stop the outbox
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogUnexpected(ex, entry.CallKey, _portal, entry.Command.GetType().Name);
            await KeepForRetryAsync(entry.Id, ex).ConfigureAwait(false);
        }
        finally
        {
            Finished([entry.CallKey]);
        }
    };

    /// <summary>Many calls' commands in one request; each unit's answer is recorded on its own.</summary>
    private Func<Task> DeliverBatchAsync(IReadOnlyList<CallChain> chains, CancellationToken stoppingToken) => async () =>
    {
        try
        {
            IReadOnlyList<(OutboxEntry Unit, DeliveryResult Result)> results =
                await delivery.DeliverBatchAsync(chains, stoppingToken).ConfigureAwait(false);
            foreach ((OutboxEntry unit, DeliveryResult result) in results)
            {
                await RecordAsync(unit, result).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
#pragma warning disable CA1031 // as above: the commands are kept, and one bad batch must not stop the outbox
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogUnexpected(ex, string.Join(", ", chains.Select(c => c.CallKey)), _portal, "batch");
            foreach (CallChain chain in chains)
            {
                // Kept ambiguous: a finish in it may have run.
                await KeepForRetryAsync(chain.Units[0].Id, ex).ConfigureAwait(false);
            }
        }
        finally
        {
            Finished(chains.Select(c => c.CallKey));
        }
    };

    // Ambiguous: the request may have run. A database that could not record the answer is no fault of the command's:
    // it goes again as soon as the database is back (a second later), not after the long wait of an unknown failure.
    private async Task KeepForRetryAsync(long id, Exception failure)
    {
        TimeSpan wait = failure is System.Data.Common.DbException ? DatabaseRetry : options.MaxRetry;
        try
        {
            await store.MarkRetryAsync(id, failure.Message, time.GetUtcNow() + wait, ambiguous: true, CancellationToken.None).ConfigureAwait(false);
        }
        catch (System.Data.Common.DbException ex)
        {
            // Not even that: the command stays as it was, due now, and the loop retries once the database answers.
            LogDatabaseUnavailable(ex.Message);
        }
    }

    private void Finished(IEnumerable<string> callKeys)
    {
        lock (_gate)
        {
            _busy.ExceptWith(callKeys);
        }

        _wake.Release();
    }

    /// <summary>Writes down what became of one unit (a command, or a card run) and tells the listeners.</summary>
    private async Task RecordAsync(OutboxEntry entry, DeliveryResult result)
    {
        switch (result)
        {
            case DeliveryResult.Done done:
                foreach (long id in entry.AllIds)
                {
                    await store.MarkDoneAsync(id, done.Outcome, CancellationToken.None).ConfigureAwait(false);
                }

                LastSuccess = time.GetUtcNow();
                Interlocked.Increment(ref _delivered);
                LogDelivered(entry.CallKey, _portal, entry.Command.GetType().Name, done.Outcome);
                ReleaseAfterOutage();
                break;
            case DeliveryResult.Refused refused:
                foreach (long id in entry.AllIds)
                {
                    await store.MarkDoneAsync(id, "refused: " + refused.Error, CancellationToken.None).ConfigureAwait(false);
                }

                LogRefused(entry.CallKey, _portal, entry.Command.GetType().Name, refused.Error);
                break;
            case DeliveryResult.Retry retry:
                if (!retry.OnlyWaiting)
                {
                    Interlocked.CompareExchange(ref _failingSinceTicks, time.GetUtcNow().UtcTicks, 0);
                }

                await store.MarkRetryAsync(entry.Id, retry.Error, time.GetUtcNow() + retry.After, retry.MayHaveExecuted,
                    CancellationToken.None, countAttempt: retry.CountsAsAttempt).ConfigureAwait(false);
                if (retry.CountsAsAttempt)
                {
                    LogRetry(entry.CallKey, _portal, entry.Command.GetType().Name, entry.Attempts + 1, retry.After.TotalSeconds, retry.Error);
                }

                break;
        }

        CommandDelivered?.Invoke(entry, result);
    }

    /// <summary>
    /// The portal answers again after failing for a while (an outage, a rate limit): every waiting command is due now,
    /// so calls go out oldest first, not in the order their growing retry delays happen to end.
    /// </summary>
    private void ReleaseAfterOutage()
    {
        long since = Interlocked.Exchange(ref _failingSinceTicks, 0);
        if (since != 0 && time.GetUtcNow().UtcTicks - since >= options.FirstRetry.Ticks)
        {
            ReleaseWaiting();
        }
    }

    public override void Dispose()
    {
        _wake.Dispose();
        _pass.Dispose();
        base.Dispose();
    }

    /// <summary>How long the loop waits before asking a database that failed again.</summary>
    internal static TimeSpan DatabaseRetry { get; } = TimeSpan.FromSeconds(1);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The outbox cannot be read; asking again in a second: {Failure}")]
    private partial void LogDatabaseUnavailable(string failure);

    [LoggerMessage(Level = LogLevel.Information, Message = "Bitrix24 {Command} for call {CallKey}{Portal}: {Outcome}")]
    private partial void LogDelivered(string callKey, string portal, string command, string outcome);

    [LoggerMessage(Level = LogLevel.Error, Message = "Bitrix24 refused {Command} for call {CallKey}{Portal} and it will not be retried: {Error}")]
    private partial void LogRefused(string callKey, string portal, string command, string error);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Bitrix24 {Command} for call {CallKey}{Portal} failed (attempt {Attempt}), retrying in {Seconds:0.#} s: {Error}")]
    private partial void LogRetry(string callKey, string portal, string command, int attempt, double seconds, string error);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Bitrix24's request limit is the bottleneck{Portal}: {Waiting} command(s) waiting ({Lanes}), the oldest for {Seconds:0} s. Cards of ringing phones go first, hides, finishes and recordings after them; an Enterprise portal allows 5/s (Bitrix:RateLimitPerSecond, RateLimitBurst)")]
    private partial void LogBottleneck(string portal, long waiting, double seconds, string lanes);

    [LoggerMessage(Level = LogLevel.Error, Message = "Releasing the commands that waited for Bitrix24 authorization failed; they go out at their own time")]
    private partial void LogReleaseFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Starting the committed commands failed; the outbox loop delivers them")]
    private partial void LogPassFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Unexpected failure delivering {Command} for call {CallKey}{Portal}; kept for retry")]
    private partial void LogUnexpected(Exception exception, string callKey, string portal, string command);
}
