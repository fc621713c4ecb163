using Microsoft.Data.Sqlite;

namespace FsBitrix.ClickToCall;

// The attempts' table: one row per accepted event, moved on as the attempt is placed.
internal sealed partial class HandledEvents
{
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
            query.CommandText = AttemptRows.Unfinished;
            using SqliteDataReader reader = query.ExecuteReader();
            var attempts = new List<ClickAttempt>();
            while (reader.Read())
            {
                attempts.Add(AttemptRows.Read(reader));
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

    private void Save(ClickAttempt attempt)
    {
        using SqliteCommand save = _db.CreateCommand();
        save.Transaction = _tx;
        save.CommandText = AttemptRows.Upsert;
        AttemptRows.BindUpsert(save, attempt).ExecuteNonQuery();
    }
}
