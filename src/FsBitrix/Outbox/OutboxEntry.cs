using FsBitrix.Core.Calls;

namespace FsBitrix.Outbox;

/// <summary>A command waiting in the outbox, with its delivery history.</summary>
/// <param name="Ambiguous">An earlier attempt may have run in Bitrix24 although no answer came back.</param>
internal sealed record OutboxEntry(long Id, string CallKey, CallCommand Command, int Attempts, string? LastError, bool Ambiguous)
{
    /// <summary>Card commands right behind a card command, sent with it in one request.</summary>
    public IReadOnlyList<OutboxEntry> Followers { get; init; } = [];

    public IEnumerable<long> AllIds => Followers.Select(f => f.Id).Prepend(Id);

    /// <summary>Not to be sent before this (a card's coalescing wait, a retry's backoff).</summary>
    public DateTimeOffset NotBefore { get; init; }

    /// <summary>When the reducer wrote it.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    public Lane Lane => Lanes.Of(Command);
}
