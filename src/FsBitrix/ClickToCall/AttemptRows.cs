using System.Data.Common;
using System.Text.Json;
using FsBitrix.Storage;

namespace FsBitrix.ClickToCall;

/// <summary>
/// The click events' rows as both stores read and write them (<see cref="HandledEvents"/> on SQLite,
/// <see cref="PostgresHandledEvents"/>): one SQL text per statement, one mapping.
/// </summary>
internal static class AttemptRows
{
    public const string Claim = "INSERT INTO bitrix_events (delivery_key, received_at) VALUES (@k, @t) ON CONFLICT (delivery_key) DO NOTHING";

    public const string PurgeEvents = "DELETE FROM bitrix_events WHERE received_at < @t";

    public const string PurgeAttempts = "DELETE FROM bitrix_event_attempts WHERE state = 'Done' AND accepted_at < @t";

    // Legs and extensions hold no commas (UUIDs; extensions are checked by DialValues), so a joined list is enough.
    public const string Upsert = """
        INSERT INTO bitrix_event_attempts (delivery_key, state, accepted_at, event, legs, call_id, extension)
        VALUES (@k, @state, @at, @event, @legs, @cid, @ext)
        ON CONFLICT (delivery_key) DO UPDATE SET state = excluded.state, legs = excluded.legs,
            call_id = excluded.call_id, extension = excluded.extension
        """;

    public const string Unfinished = """
        SELECT state, accepted_at, event, legs, call_id, extension FROM bitrix_event_attempts
        WHERE state <> 'Done' ORDER BY accepted_at
        """;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.General);

    /// <summary>The attempt of the current row of <see cref="Unfinished"/>.</summary>
    public static ClickAttempt Read(DbDataReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        BitrixCallEvent e = JsonSerializer.Deserialize<BitrixCallEvent>(reader.GetString(2), Json)
            ?? throw new InvalidDataException("empty event in bitrix_event_attempts");
        return new ClickAttempt(e, reader.GetString(3).Split(','))
        {
            State = Enum.Parse<ClickAttemptState>(reader.GetString(0)),
            AcceptedAt = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1)),
            CallId = reader.IsDBNull(4) ? null : reader.GetString(4),
            Extensions = reader.IsDBNull(5) ? [] : reader.GetString(5).Split(','),
        };
    }

    /// <summary>The parameters of <see cref="Upsert"/>.</summary>
    public static DbCommand BindUpsert(DbCommand save, ClickAttempt attempt) => save
        .With("k", attempt.Event.DeliveryKey)
        .With("state", attempt.State.ToString())
        .With("at", attempt.AcceptedAt.ToUnixTimeMilliseconds())
        .With("event", JsonSerializer.Serialize(attempt.Event, Json))
        .With("legs", string.Join(',', attempt.Legs))
        .With("cid", attempt.CallId)
        .With("ext", attempt.Extensions.Count == 0 ? null : string.Join(',', attempt.Extensions));
}
