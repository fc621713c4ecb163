namespace FsBitrix.Outbox;

/// <summary>
/// The calls the tracker follows or followed: each live call's reducer state, written with its commands by
/// <see cref="IOutboxStore.AppendAsync(IReadOnlyList{OutboxWrite}, CancellationToken)"/> in one transaction (so one
/// object implements both), and the CALL_ID Bitrix24 gave each. What a restart, the instance taking over, the CDR
/// import and click-to-call recovery read.
/// </summary>
internal interface ICallStates
{
    /// <summary>Reducer states of calls that were not over when the service stopped, oldest first.</summary>
    Task<IReadOnlyList<(string CallKey, string State)>> LiveCallStatesAsync(CancellationToken cancellationToken = default);

    /// <summary>Whether the call is followed live (its state is kept: it is not over); its CDRs wait until it is.</summary>
    Task<bool> CallIsLiveAsync(string callKey, CancellationToken cancellationToken = default);

    /// <summary>Whether the tracker ever stored this call (it follows it, or it is over).</summary>
    Task<bool> KnowsCallAsync(string callKey, CancellationToken cancellationToken = default);

    /// <summary>Bitrix24 registered the call under this CALL_ID (kept for its later commands, across a restart).</summary>
    Task SetBitrixCallIdAsync(string callKey, string callId, CancellationToken cancellationToken = default);

    Task<string?> GetBitrixCallIdAsync(string callKey, CancellationToken cancellationToken = default);
}
