using FsBitrix.Core.Calls;

namespace FsBitrix.Outbox;

/// <summary>
/// The durable outbox: every command is written before anything is sent and marked done only after Bitrix24
/// answered; a call's commands are delivered strictly in the order written. An append also writes the call's state
/// (<see cref="ICallStates"/>, the same store) in the same transaction, so a restarted service (or the instance taking
/// over) carries on from exactly what was queued.
/// Two providers with one contract (<c>OutboxContractTests</c>): <see cref="SqliteOutboxStore"/> (one box, the
/// default) and <see cref="PostgresOutboxStore"/> (several instances, docs/SCALING.md).
/// </summary>
internal interface IOutboxStore : IAsyncDisposable
{
    /// <summary>The default company's key in the tenant column: a service with one portal writes only this.</summary>
    public const string DefaultTenant = "";

    /// <summary>
    /// How long a card command waits for its siblings (the other phones of a ring group start ringing within
    /// milliseconds of each other), so they leave as one request.
    /// </summary>
    TimeSpan CardCoalescing { get; }

    /// <summary>
    /// How long a finish whose end was inferred (<see cref="FinishCall.Estimated"/>) waits for the call's CDRs to
    /// correct it (<see cref="CorrectFinishAsync"/>); zero (no CDRs read): it goes at once.
    /// </summary>
    TimeSpan EstimatedFinishWait { get; set; }

    /// <summary>Awaited before every append: tests stand a slow disk here to widen the windows the code must close.</summary>
    Func<CancellationToken, Task>? BeforeAppend { get; set; }

    /// <summary>
    /// Appends several steps, in order, in one transaction: a burst of channel events costs one commit, not one per
    /// event. A call written twice keeps its last state. A finish, show or hide of a portal CALL_ID already finished
    /// is not appended: Bitrix24 takes one finish per call.
    /// </summary>
    /// <returns>The finish/show/hide commands left out that way (for the log).</returns>
    Task<IReadOnlyList<CallCommand>> AppendAsync(IReadOnlyList<OutboxWrite> writes, CancellationToken cancellationToken = default);

    /// <summary>One reduce step's commands and the call's new state in one transaction.</summary>
    Task<IReadOnlyList<CallCommand>> AppendAsync(string callKey, IReadOnlyList<CallCommand> commands, string? stateJson,
        bool callOver, CancellationToken cancellationToken = default) =>
        AppendAsync([new OutboxWrite(callKey, commands, stateJson, callOver)], cancellationToken);

    /// <summary>
    /// The calls whose head is due, not in <paramref name="busy"/>, at most <paramref name="maxCalls"/>: ringing work
    /// first (register, show), then hides, finishes, recordings; oldest first within a lane. Each with its whole
    /// pending queue (as far as one request could take it). When none is due, when the first other head falls due.
    /// </summary>
    Task<DueQueues> DueQueuesAsync(int maxCalls, IReadOnlySet<string> busy, string tenant, CancellationToken cancellationToken = default);

    Task MarkDoneAsync(long id, string outcome, CancellationToken cancellationToken = default);

    /// <param name="ambiguous">The attempt may have run in Bitrix24 (kept: a later retry of finish must know).</param>
    /// <param name="countAttempt">False for a failure that is not the command's (authorization broken for all).</param>
    Task MarkRetryAsync(long id, string error, DateTimeOffset notBefore, bool ambiguous, CancellationToken cancellationToken = default,
        bool countAttempt = true);

    /// <summary>Every waiting command of one company is due now (its portal's authorization works again).</summary>
    Task ReleaseWaitingAsync(string tenant, CancellationToken cancellationToken = default);

    /// <summary>Every waiting command of the default company is due now.</summary>
    Task ReleaseWaitingAsync(CancellationToken cancellationToken = default) => ReleaseWaitingAsync(DefaultTenant, cancellationToken);

    /// <summary>The recordings queued for the call so far, sent or not (their file paths).</summary>
    Task<IReadOnlySet<string>> RecordingsOfAsync(string callKey, CancellationToken cancellationToken = default);

    /// <summary>
    /// The call's finish, held because its end was inferred, takes what its CDRs say (talk time, status, who talked)
    /// and goes now. Nothing changes when no such finish waits (the call's end was seen, or the finish went already).
    /// </summary>
    /// <returns>Whether a held finish was corrected.</returns>
    Task<bool> CorrectFinishAsync(string callKey, FinishCall fromCdr, CancellationToken cancellationToken = default);

    /// <summary>Whether the call's finish is waiting in the outbox: the call is over, its cards have nothing to show.</summary>
    Task<bool> FinishPendingAsync(string callKey, CancellationToken cancellationToken = default);

    /// <summary>Every company key with commands waiting, and how many.</summary>
    Task<IReadOnlyList<(string Tenant, long Pending)>> PendingByTenantAsync(CancellationToken cancellationToken = default);

    Task<long> PendingCountAsync(CancellationToken cancellationToken = default);

    /// <summary>Commands of one company's portal not delivered yet (health).</summary>
    Task<long> PendingCountAsync(string tenant, CancellationToken cancellationToken = default);

    /// <summary>Attempts counted so far of the commands still waiting (health, tests).</summary>
    Task<long> PendingAttemptsAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes what is of no use to delivery any more: commands delivered before <paramref name="cutoff"/> and ended
    /// calls with nothing left to send.
    /// </summary>
    /// <returns>Rows deleted.</returns>
    Task<int> PruneAsync(DateTimeOffset cutoff, CancellationToken cancellationToken = default);

    /// <summary>Per lane, how many commands of this company wait and since when the oldest was written (health).</summary>
    Task<IReadOnlyList<LaneBacklog>> LanesAsync(string tenant, CancellationToken cancellationToken = default);

    /// <summary>Per lane, the oldest command of this company still waiting, with its attempts and last error (status page).</summary>
    Task<IReadOnlyList<WaitingCommand>> OldestWaitingAsync(string tenant, CancellationToken cancellationToken = default);
}
