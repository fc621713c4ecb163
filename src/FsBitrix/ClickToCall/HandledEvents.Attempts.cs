using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace FsBitrix.ClickToCall;

// The attempts' table: one row per accepted event, moved on as the attempt is placed.
internal sealed partial class HandledEvents
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.General);

    /// <summary>A callback registered in Bitrix24: its CALL_ID must be finished even if the service stops now.</summary>
    public Task SetCallIdAsync(ClickAttempt attempt, string callId, CancellationToken cancellationToken = default) =>
        SaveAsync(attempt with { CallId = callId }, cancellationToken);

    /// <summary>Written before the originate goes out, so a restart knows FreeSWITCH may have these legs.</summary>
    public Task MarkOriginatingAsync(ClickAttempt attempt, CancellationToken cancellationToken = default) =>
        SaveAsync(attempt with { State = ClickAttemptState.Originating }, cancellationToken);

    /// <summary>The tracker has the outcome; nothing is left for a restart to do.</summary>
    public Task MarkDoneAsync(ClickAttempt attempt, CancellationToken cancellationToken = default) =>
        SaveAsync(attempt with { State = ClickAttemptState.Done }, cancellationToken);

    /// <summary>Attempts not done, oldest first: what the service was doing when it stopped.</summary>
    public async Task<IReadOnlyList<ClickAttempt>> UnfinishedAsync(CancellationToken cancellationToken = default)
    {
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using SqliteCommand query = _db.CreateCommand();
            query.CommandText = """
                SELECT state, accepted_at, event, legs, call_id, extension FROM bitrix_event_attempts
                WHERE state <> 'Done' ORDER BY accepted_at
                """;
            using SqliteDataReader reader = query.ExecuteReader();
            var attempts = new List<ClickAttempt>();
            while (reader.Read())
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
        finally
        {
            _lock.Release();
        }
    }

    private async Task SaveAsync(ClickAttempt attempt, CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            Save(attempt);
        }
        finally
        {
            _lock.Release();
        }
    }

    // Legs and extensions hold no commas (UUIDs; extensions are checked by DialValues), so a joined list is enough.
    private void Save(ClickAttempt attempt)
    {
        using SqliteCommand save = _db.CreateCommand();
        save.Transaction = _tx;
        save.CommandText = """
            INSERT INTO bitrix_event_attempts (delivery_key, state, accepted_at, event, legs, call_id, extension)
            VALUES ($k, $state, $at, $event, $legs, $cid, $ext)
            ON CONFLICT (delivery_key) DO UPDATE SET state = excluded.state, legs = excluded.legs,
                call_id = excluded.call_id, extension = excluded.extension
            """;
        save.Parameters.AddWithValue("$k", attempt.Event.DeliveryKey);
        save.Parameters.AddWithValue("$state", attempt.State.ToString());
        save.Parameters.AddWithValue("$at", attempt.AcceptedAt.ToUnixTimeMilliseconds());
        save.Parameters.AddWithValue("$event", JsonSerializer.Serialize(attempt.Event, Json));
        save.Parameters.AddWithValue("$legs", string.Join(',', attempt.Legs));
        save.Parameters.AddWithValue("$cid", (object?)attempt.CallId ?? DBNull.Value);
        save.Parameters.AddWithValue("$ext", attempt.Extensions.Count == 0 ? DBNull.Value : string.Join(',', attempt.Extensions));
        save.ExecuteNonQuery();
    }
}
