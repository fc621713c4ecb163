namespace FsBitrix.ClickToCall;

/// <summary>
/// The click events acted on and their attempts (<see cref="ClickAttempt"/>): a repeated delivery of one click never
/// rings the rep twice, across restarts and — on PostgreSQL — across FsBitrix instances sharing one database.
/// </summary>
internal interface IHandledEvents : IAsyncDisposable
{
    /// <summary>True the first time a key is seen (within the memory window); false for a repeat.</summary>
    Task<bool> TryClaimAsync(string deliveryKey, CancellationToken cancellationToken = default);

    /// <summary>Claims the event's key and records it as accepted, in one transaction: a claim is never without its attempt.</summary>
    Task<bool> TryAcceptAsync(ClickAttempt attempt, CancellationToken cancellationToken = default);

    /// <summary>A callback registered in Bitrix24: its CALL_ID must be finished even if the service stops now.</summary>
    Task SetCallIdAsync(ClickAttempt attempt, string callId, CancellationToken cancellationToken = default);

    /// <summary>Written before the originate goes out, so a restart knows FreeSWITCH may have these legs.</summary>
    Task MarkOriginatingAsync(ClickAttempt attempt, CancellationToken cancellationToken = default);

    /// <summary>The tracker has the outcome; nothing is left for a restart to do.</summary>
    Task MarkDoneAsync(ClickAttempt attempt, CancellationToken cancellationToken = default);

    /// <summary>Attempts not done, oldest first: what the service was doing when it stopped.</summary>
    Task<IReadOnlyList<ClickAttempt>> UnfinishedAsync(CancellationToken cancellationToken = default);
}
