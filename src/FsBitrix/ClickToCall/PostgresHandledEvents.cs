using System.Text.Json;
using Npgsql;

namespace FsBitrix.ClickToCall;

/// <summary>
/// <see cref="IHandledEvents"/> on PostgreSQL, shared by every FsBitrix instance of one database: a click posted to
/// two instances (or polled by both) is claimed by exactly one — the primary key decides, inside the claim's
/// transaction — and its attempt is there for whichever instance recovers it.
/// </summary>
internal sealed class PostgresHandledEvents(NpgsqlDataSource dataSource, TimeProvider time, TimeSpan memory) : IHandledEvents
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.General);
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
        await using NpgsqlCommand query = dataSource.CreateCommand("""
            SELECT state, accepted_at, event, legs, call_id, extension FROM bitrix_event_attempts
            WHERE state <> 'Done' ORDER BY accepted_at
            """);
        await using NpgsqlDataReader reader = await query.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var attempts = new List<ClickAttempt>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            BitrixCallEvent e = JsonSerializer.Deserialize<BitrixCallEvent>(reader.GetString(2), Json)
                ?? throw new InvalidDataException("empty event in bitrix_event_attempts");
            attempts.Add(new ClickAttempt(e, reader.GetString(3).Split(','))
            {
                State = Enum.Parse<ClickAttemptState>(reader.GetString(0)),
                AcceptedAt = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1)),
                CallId = reader.IsDBNull(4) ? null : reader.GetString(4),
                Extensions = reader.IsDBNull(5) ? [] : reader.GetString(5).Split(','),
            });
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
            await using var purge = new NpgsqlCommand(
                "DELETE FROM bitrix_events WHERE received_at < @t; DELETE FROM bitrix_event_attempts WHERE state = 'Done' AND accepted_at < @t", db);
            purge.Parameters.AddWithValue("t", cutoff);
            await purge.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await using NpgsqlTransaction tx = await db.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var claim = new NpgsqlCommand(
            "INSERT INTO bitrix_events (delivery_key, received_at) VALUES (@k, @t) ON CONFLICT (delivery_key) DO NOTHING", db, tx);
        claim.Parameters.AddWithValue("k", deliveryKey);
        claim.Parameters.AddWithValue("t", now.ToUnixTimeMilliseconds());
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
        await using var save = new NpgsqlCommand("""
            INSERT INTO bitrix_event_attempts (delivery_key, state, accepted_at, event, legs, call_id, extension)
            VALUES (@k, @state, @at, @event, @legs, @cid, @ext)
            ON CONFLICT (delivery_key) DO UPDATE SET state = excluded.state, legs = excluded.legs,
                call_id = excluded.call_id, extension = excluded.extension
            """, db, tx);
        save.Parameters.AddWithValue("k", attempt.Event.DeliveryKey);
        save.Parameters.AddWithValue("state", attempt.State.ToString());
        save.Parameters.AddWithValue("at", attempt.AcceptedAt.ToUnixTimeMilliseconds());
        save.Parameters.AddWithValue("event", JsonSerializer.Serialize(attempt.Event, Json));
        save.Parameters.AddWithValue("legs", string.Join(',', attempt.Legs));
        save.Parameters.AddWithValue("cid", (object?)attempt.CallId ?? DBNull.Value);
        save.Parameters.AddWithValue("ext", attempt.Extensions.Count == 0 ? DBNull.Value : string.Join(',', attempt.Extensions));
        await save.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
