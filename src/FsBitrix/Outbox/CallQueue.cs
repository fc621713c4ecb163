namespace FsBitrix.Outbox;

/// <summary>One call's undelivered commands in the order written; the first is its head, due now.</summary>
internal sealed record CallQueue(string CallKey, IReadOnlyList<OutboxEntry> Pending)
{
    public OutboxEntry Head => Pending[0];
}

/// <summary>What the dispatcher may plan a request from now, and when it should look again.</summary>
/// <param name="Calls">Calls whose head is due, most urgent lane first, then oldest first.</param>
/// <param name="NextDue">When nothing is due: when the first head not yet due falls due (busy calls and a full house need none: the delivery that ends wakes the dispatcher).</param>
internal sealed record DueQueues(IReadOnlyList<CallQueue> Calls, DateTimeOffset? NextDue);
