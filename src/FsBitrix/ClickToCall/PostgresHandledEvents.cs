using FsBitrix.Storage;
using Npgsql;

namespace FsBitrix.ClickToCall;

/// <summary>
/// <see cref="IHandledEvents"/> on PostgreSQL, shared by every FsBitrix instance of one database: a click posted to
/// two instances (or polled by both) is claimed by exactly one — the primary key decides, inside the claim's
/// transaction — and its attempt is there for whichever instance recovers it.
/// </summary>
internal sealed class PostgresHandledEvents(NpgsqlDataSource dataSource, TimeProvider time, TimeSpan memory) : IHandledEvents
{
    private long _nextPurgeTicks;

    public Task<bool> TryClaimAsync(string deliveryKey, CancellationToken cancellationToken = default) =>
        ClaimAsync(deliveryKey, null, cancellationToken);

    public Task<bool> TryAcceptAsync(ClickAttempt attempt, CancellationToken cancellationToken = default) =>
        ClaimAsync(attempt.Event.DeliveryKey, attempt, cancellationToken);

    public Task SetCallIdAsync(ClickAttempt attempt, string callId, CancellationToken cancellationToken = default) =>
        SaveAsync(attempt with { CallId = callId }, cancellationToken);

    public Task MarkOriginatingAsync(ClickAttempt attempt, CancellationToken cancellationToken = default) =>
        SaveAsync(attempt with { State = ClickAttemptState.Originating }, cancellationToken);

    public Task MarkDoneAsync(ClickAttempt attempt, CancellationToken cancellationToken = default) =>
        SaveAsync(attempt with { State = ClickAttemptState.Done }, cancellationToken);

    public async Task<IReadOnlyList<ClickAttempt>> UnfinishedAsync(CancellationToken cancellationToken = default)
    {
        await using NpgsqlCommand query = dataSource.CreateCommand(AttemptRows.Unfinished);
        await using NpgsqlDataReader reader = await query.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var attempts = new List<ClickAttempt>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            attempts.Add(AttemptRows.Read(reader));
        }

        return attempts;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private async Task<bool> ClaimAsync(string deliveryKey, ClickAttempt? attempt, CancellationToken cancellationToken)
    {
        DateTimeOffset now = time.GetUtcNow();
        await using NpgsqlConnection db = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        if (now.UtcTicks >= Interlocked.Read(ref _nextPurgeTicks))
        {
            Interlocked.Exchange(ref _nextPurgeTicks, (now + TimeSpan.FromMinutes(10)).UtcTicks);
            long cutoff = (now - memory).ToUnixTimeMilliseconds();
            await using var purge = new NpgsqlCommand($"{AttemptRows.PurgeEvents}; {AttemptRows.PurgeAttempts}", db);
            purge.With("t", cutoff);
            await purge.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await using NpgsqlTransaction tx = await db.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var claim = new NpgsqlCommand(AttemptRows.Claim, db, tx);
        claim.With("k", deliveryKey).With("t", now.ToUnixTimeMilliseconds());
        bool first = await claim.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
        if (first && attempt is not null)
        {
            await SaveAsync(db, tx, attempt with { AcceptedAt = now }, cancellationToken).ConfigureAwait(false);
        }

        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return first;
    }

    private async Task SaveAsync(ClickAttempt attempt, CancellationToken cancellationToken)
    {
        await using NpgsqlConnection db = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await SaveAsync(db, null, attempt, cancellationToken).ConfigureAwait(false);
    }

    private static async Task SaveAsync(NpgsqlConnection db, NpgsqlTransaction? tx, ClickAttempt attempt, CancellationToken cancellationToken)
    {
        await using var save = new NpgsqlCommand(AttemptRows.Upsert, db, tx);
        AttemptRows.BindUpsert(save, attempt);
        await save.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
