namespace FsBitrix.Outbox;

/// <summary>What one round of the dispatcher sends, and what it no longer needs to.</summary>
/// <param name="Chains">Per call, the commands that go in one batch, in the call's order.</param>
/// <param name="Dropped">Cards whose moment passed before they could be sent: marked done, never sent.</param>
/// <param name="Alone">Heads that cannot ride in a batch (a recording uploaded as the file itself).</param>
/// <param name="Full">A chain was cut or a call left out because the batch was full: another round is due at once.</param>
internal sealed record BatchPlan(IReadOnlyList<CallChain> Chains, IReadOnlyList<OutboxEntry> Dropped, IReadOnlyList<OutboxEntry> Alone, bool Full)
{
    public int Units => Chains.Sum(c => c.Units.Count);

    /// <summary>A card to show or a call to register: the round should not wait to fill up.</summary>
    public bool Urgent => Chains.Any(c => c.Units.Any(u => u.Lane == Lane.Ringing));

    /// <summary>When the oldest command of the plan was written (how long the non-urgent ones have waited).</summary>
    public DateTimeOffset? OldestCreated => Chains.SelectMany(c => c.Units).Select(u => (DateTimeOffset?)u.CreatedAt).Min();
}

/// <summary>
/// One call's part of a batch: units in order, each one outbox command, or a run of card commands sent as one
/// (<see cref="OutboxEntry.Followers"/>).
/// </summary>
internal sealed record CallChain(string CallKey, IReadOnlyList<OutboxEntry> Units);
