namespace FsBitrix.Outbox;

/// <summary>What the dispatcher may start now, and when it should look again.</summary>
/// <param name="Entries">Heads due now, of calls not being delivered.</param>
/// <param name="NextDue">
/// When nothing is due: when the earliest head not yet due (of a call not being delivered) falls due; null when none
/// waits, or when <paramref name="Entries"/> is not empty. Busy calls and a full house need no time: the delivery
/// that ends wakes the dispatcher.
/// </param>
internal sealed record DueHeads(IReadOnlyList<OutboxEntry> Entries, DateTimeOffset? NextDue);
