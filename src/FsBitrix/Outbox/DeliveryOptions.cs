namespace FsBitrix.Outbox;

internal sealed record DeliveryOptions
{
    /// <summary>Bitrix24 user who owns inbound calls before an agent is known (register needs an owner).</summary>
    public int DefaultUserId { get; init; } = 1;

    /// <summary>Create a lead when the caller's number is not in the CRM.</summary>
    public bool CrmCreate { get; init; } = true;

    public TimeSpan FirstRetry { get; init; } = TimeSpan.FromSeconds(2);

    public TimeSpan MaxRetry { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Wait after an authorisation/configuration failure: a person has to act, so don't hammer the portal.</summary>
    public TimeSpan AuthorizationRetry { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>How many requests may be out at the same time (the limiter still paces them).</summary>
    public int Parallelism { get; init; } = 8;

    /// <summary>
    /// While the portal's budget is short (<see cref="ReserveRequests"/>), how long hides, finishes and recording links
    /// may wait to ride with the next card instead of spending a request of their own.
    /// </summary>
    public TimeSpan Linger { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Requests of the portal's bucket kept for cards: below this much headroom, commands that are not urgent linger and
    /// recordings uploaded as files wait for budget left over.
    /// </summary>
    public int ReserveRequests { get; init; } = 10;
}
