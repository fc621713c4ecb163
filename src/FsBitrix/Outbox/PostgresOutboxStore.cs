using FsBitrix.Core.Calls;
using Npgsql;
using NpgsqlTypes;

namespace FsBitrix.Outbox;

/// <summary>
/// The outbox on PostgreSQL (<see cref="IOutboxStore"/>), shared by every instance of one database: whichever leads
/// (docs/SCALING.md) finds the commands and call states its predecessor wrote. Each operation takes a pooled
/// connection, so a database that restarted is simply connected to again; an append is one transaction of one round
/// trip for its inserts (a batch) after one for what was finished already.
/// </summary>
internal sealed class PostgresOutboxStore(NpgsqlDataSource dataSource, TimeProvider time) : IOutboxStore, ICallStates
{
    // Appends (the tracker's, the CDR import's) one at a time, as on SQLite: "finished already?" and the finish's own
    // row are then one decision, never two racing transactions that both see the CALL_ID unfinished.
    private readonly SemaphoreSlim _append = new(1, 1);

    public TimeSpan CardCoalescing { get; init; } = TimeSpan.FromMilliseconds(150);

    /// <summary>How long a Bitrix24 CALL_ID stays known as finished (see <see cref="SqliteOutboxStore.RememberFinishesFor"/>).</summary>
    public TimeSpan RememberFinishesFor { get; init; } = TimeSpan.FromDays(1);

    public TimeSpan EstimatedFinishWait { get; set; }

    public Func<CancellationToken, Task>? BeforeAppend { get; set; }

    public Task<IReadOnlyList<CallCommand>> AppendAsync(string callKey, IReadOnlyList<CallCommand> commands, string? stateJson,
        bool callOver, CancellationToken cancellationToken = default) =>
        AppendAsync([new OutboxWrite(callKey, commands, stateJson, callOver)], cancellationToken);

    public async Task<IReadOnlyList<CallCommand>> AppendAsync(IReadOnlyList<OutboxWrite> writes, CancellationToken cancellationToken = default)
    {
        if (BeforeAppend is { } slowDisk)
        {
            await slowDisk(cancellationToken).ConfigureAwait(false);
        }

        await _append.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await AppendInOrderAsync(writes, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _append.Release();
        }
    }

    private async Task<IReadOnlyList<CallCommand>> AppendInOrderAsync(IReadOnlyList<OutboxWrite> writes, CancellationToken cancellationToken)
    {
        long now = Now();
        await using NpgsqlConnection db = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using NpgsqlTransaction tx = await db.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        HashSet<string> finished = await FinishedAmongAsync(db, tx, writes, now, cancellationToken).ConfigureAwait(false);

        var refused = new List<CallCommand>();
        await using var batch = new NpgsqlBatch(db, tx);
        foreach (OutboxWrite write in writes)
        {
            foreach (CallCommand command in write.Commands)
            {
                if (OutboxRows.EndsOrShowsCard(command) && command.BitrixCallId is { } callId)
                {
                    if (finished.Contains(callId))
                    {
                        refused.Add(command);
                        continue;
                    }

                    if (command is FinishCall)
                    {
                        // Later commands of this very append see it finished too.
                        finished.Add(callId);
                        batch.BatchCommands.Add(Command("""
                            INSERT INTO finished_calls (bitrix_call_id, call_key, finished_at) VALUES (@id, @key, @now)
                            ON CONFLICT (bitrix_call_id) DO UPDATE SET call_key = excluded.call_key, finished_at = excluded.finished_at
                            """, ("id", callId), ("key", command.CallKey), ("now", now)));
                    }
                }

                (string kind, string payload) = CommandCodec.Encode(command);
                batch.BatchCommands.Add(Command("""
                    INSERT INTO outbox (call_key, kind, payload, created_at, not_before, tenant, awaits_cdr)
                    VALUES (@key, @kind, @payload, @now, @nb, @tenant, @cdr)
                    """, ("key", command.CallKey), ("kind", kind), ("payload", payload), ("now", now),
                    ("nb", OutboxRows.NotBefore(command, now, CardCoalescing, EstimatedFinishWait)), ("tenant", write.Tenant),
                    ("cdr", OutboxRows.AwaitsCdr(command, EstimatedFinishWait) ? 1 : 0)));
            }
        }

        var last = new Dictionary<string, OutboxWrite>(StringComparer.Ordinal);
        foreach (OutboxWrite write in writes)
        {
            last[write.CallKey] = write;
        }

        foreach (OutboxWrite write in last.Values)
        {
            batch.BatchCommands.Add(Command("""
                INSERT INTO calls (call_key, state, updated_at) VALUES (@key, @state, @now)
                ON CONFLICT (call_key) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at
                """, ("key", write.CallKey), ("state", write.CallOver ? null : write.StateJson), ("now", now)));
        }

        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return refused;
    }

    // One query for every CALL_ID the append would finish, show or hide.
    private async Task<HashSet<string>> FinishedAmongAsync(NpgsqlConnection db, NpgsqlTransaction tx, IReadOnlyList<OutboxWrite> writes, long now,
        CancellationToken cancellationToken)
    {
        string[] callIds = [.. writes.SelectMany(w => w.Commands)
            .Where(OutboxRows.EndsOrShowsCard).Select(c => c.BitrixCallId).OfType<string>().Distinct(StringComparer.Ordinal)];
        var finished = new HashSet<string>(StringComparer.Ordinal);
        if (callIds.Length == 0)
        {
            return finished;
        }

        await using var query = new NpgsqlCommand(
            "SELECT bitrix_call_id FROM finished_calls WHERE bitrix_call_id = ANY(@ids) AND finished_at >= @since", db, tx);
        query.Parameters.AddWithValue("ids", callIds);
        query.Parameters.AddWithValue("since", now - (long)RememberFinishesFor.TotalMilliseconds);
        await using NpgsqlDataReader reader = await query.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            finished.Add(reader.GetString(0));
        }

        return finished;
    }

    public async Task<DueQueues> DueQueuesAsync(int maxCalls, IReadOnlySet<string> busy, string tenant, CancellationToken cancellationToken = default)
    {
        long now = Now();
        await using NpgsqlConnection db = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        List<string> keys = [];
        if (maxCalls > 0)
        {
            await using NpgsqlCommand due = new(OutboxSql.DueCallKeys, db);
            due.Parameters.AddWithValue("now", now);
            due.Parameters.AddWithValue("tenant", tenant);
            due.Parameters.AddWithValue("max", maxCalls + busy.Count);
            await using NpgsqlDataReader reader = await due.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (keys.Count < maxCalls && await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                if (!busy.Contains(reader.GetString(0)))
                {
                    keys.Add(reader.GetString(0));
                }
            }
        }

        return keys.Count > 0
            ? new DueQueues(await QueuesOfAsync(db, keys, cancellationToken).ConfigureAwait(false), null)
            : new DueQueues([], await NextHeadDueAfterAsync(db, now, busy, tenant, cancellationToken).ConfigureAwait(false));
    }

    private static async Task<List<CallQueue>> QueuesOfAsync(NpgsqlConnection db, List<string> keys, CancellationToken cancellationToken)
    {
        await using NpgsqlCommand query = new($"""
            SELECT {OutboxRows.EntryColumns} FROM (
                SELECT o.*, ROW_NUMBER() OVER (PARTITION BY o.call_key ORDER BY o.id) AS n
                FROM outbox o WHERE o.done_at IS NULL AND o.call_key = ANY(@keys)) AS q
            WHERE n <= {OutboxRows.QueueDepth}
            ORDER BY call_key, id
            """, db);
        query.Parameters.AddWithValue("keys", keys.ToArray());
        var pending = new Dictionary<string, List<OutboxEntry>>(StringComparer.Ordinal);
        await using (NpgsqlDataReader reader = await query.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                OutboxEntry entry = OutboxRows.Entry(reader);
                if (!pending.TryGetValue(entry.CallKey, out List<OutboxEntry>? list))
                {
                    pending[entry.CallKey] = list = [];
                }

                list.Add(entry);
            }
        }

        return [.. keys.Where(pending.ContainsKey).Select(k => new CallQueue(k, pending[k]))];
    }

    private static async Task<DateTimeOffset?> NextHeadDueAfterAsync(NpgsqlConnection db, long now, IReadOnlySet<string> busy, string tenant,
        CancellationToken cancellationToken)
    {
        await using NpgsqlCommand query = new(OutboxSql.NextHeadDue, db);
        query.Parameters.AddWithValue("now", now);
        query.Parameters.AddWithValue("tenant", tenant);
        query.Parameters.AddWithValue("max", busy.Count + 1);
        await using NpgsqlDataReader reader = await query.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            if (!busy.Contains(reader.GetString(0)))
            {
                return DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1));
            }
        }

        return null;
    }

    public Task MarkDoneAsync(long id, string outcome, CancellationToken cancellationToken = default) =>
        ExecuteAsync("UPDATE outbox SET done_at = @now, outcome = @outcome WHERE id = @id", cancellationToken,
            ("id", id), ("outcome", outcome));

    public Task MarkRetryAsync(long id, string error, DateTimeOffset notBefore, bool ambiguous, CancellationToken cancellationToken = default,
        bool countAttempt = true) =>
        ExecuteAsync("""
            UPDATE outbox SET attempts = attempts + @count, last_error = @error, not_before = @nb,
                ambiguous = GREATEST(ambiguous, @ambiguous) WHERE id = @id
            """, cancellationToken, ("id", id), ("error", error), ("nb", notBefore.ToUnixTimeMilliseconds()),
            ("ambiguous", ambiguous ? 1 : 0), ("count", countAttempt ? 1 : 0));

    public Task ReleaseWaitingAsync(string tenant, CancellationToken cancellationToken = default) =>
        ExecuteAsync("UPDATE outbox SET not_before = @now WHERE done_at IS NULL AND not_before > @now AND tenant = @tenant AND awaits_cdr = 0",
            cancellationToken, ("tenant", tenant));

    public async Task<bool> CallIsLiveAsync(string callKey, CancellationToken cancellationToken = default) =>
        await ScalarAsync("SELECT 1 FROM calls WHERE call_key = @key AND state IS NOT NULL", cancellationToken, ("key", callKey))
            .ConfigureAwait(false) is not null;

    public async Task<IReadOnlySet<string>> RecordingsOfAsync(string callKey, CancellationToken cancellationToken = default)
    {
        var paths = new HashSet<string>(StringComparer.Ordinal);
        await using NpgsqlCommand query = dataSource.CreateCommand($"SELECT payload FROM outbox WHERE call_key = @key AND kind = '{nameof(AttachRecording)}'");
        query.Parameters.AddWithValue("key", callKey);
        await using NpgsqlDataReader reader = await query.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            paths.Add(((AttachRecording)CommandCodec.Decode(nameof(AttachRecording), reader.GetString(0))).FilePath);
        }

        return paths;
    }

    public async Task<bool> CorrectFinishAsync(string callKey, FinishCall fromCdr, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(fromCdr);
        await using NpgsqlConnection db = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using NpgsqlTransaction tx = await db.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using NpgsqlCommand query = new($"""
            SELECT id, payload FROM outbox
            WHERE call_key = @key AND kind = '{nameof(FinishCall)}' AND awaits_cdr = 1 AND done_at IS NULL AND attempts = 0
            FOR UPDATE
            """, db, tx);
        query.Parameters.AddWithValue("key", callKey);
        (long Id, string Payload)? held = null;
        await using (NpgsqlDataReader reader = await query.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                held = (reader.GetInt64(0), reader.GetString(1));
            }
        }

        if (held is not { } row)
        {
            return false;
        }

        FinishCall corrected = OutboxRows.Corrected((FinishCall)CommandCodec.Decode(nameof(FinishCall), row.Payload), fromCdr);
        await using NpgsqlCommand update = new("UPDATE outbox SET payload = @payload, awaits_cdr = 0, not_before = @now WHERE id = @id", db, tx);
        update.Parameters.AddWithValue("payload", CommandCodec.Encode(corrected).Payload);
        update.Parameters.AddWithValue("now", Now());
        update.Parameters.AddWithValue("id", row.Id);
        await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    public async Task<bool> FinishPendingAsync(string callKey, CancellationToken cancellationToken = default) =>
        await ScalarAsync($"SELECT EXISTS (SELECT 1 FROM outbox WHERE call_key = @key AND kind = '{nameof(FinishCall)}' AND done_at IS NULL)",
            cancellationToken, ("key", callKey)).ConfigureAwait(false) is true;

    public async Task<IReadOnlyList<(string Tenant, long Pending)>> PendingByTenantAsync(CancellationToken cancellationToken = default)
    {
        var pending = new List<(string, long)>();
        await using NpgsqlCommand query = dataSource.CreateCommand("SELECT tenant, COUNT(*) FROM outbox WHERE done_at IS NULL GROUP BY tenant");
        await using NpgsqlDataReader reader = await query.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            pending.Add((reader.GetString(0), reader.GetInt64(1)));
        }

        return pending;
    }

    public async Task<long> PendingCountAsync(CancellationToken cancellationToken = default) =>
        (long)(await ScalarAsync("SELECT COUNT(*) FROM outbox WHERE done_at IS NULL", cancellationToken).ConfigureAwait(false) ?? 0L);

    public async Task<long> PendingCountAsync(string tenant, CancellationToken cancellationToken = default) =>
        (long)(await ScalarAsync("SELECT COUNT(*) FROM outbox WHERE done_at IS NULL AND tenant = @tenant", cancellationToken,
            ("tenant", tenant)).ConfigureAwait(false) ?? 0L);

    public async Task<long> PendingAttemptsAsync(CancellationToken cancellationToken = default) =>
        (long)(await ScalarAsync("SELECT COALESCE(SUM(attempts), 0) FROM outbox WHERE done_at IS NULL", cancellationToken).ConfigureAwait(false) ?? 0L);

    public Task SetBitrixCallIdAsync(string callKey, string callId, CancellationToken cancellationToken = default) =>
        ExecuteAsync("""
            INSERT INTO calls (call_key, bitrix_call_id, updated_at) VALUES (@key, @cid, @now)
            ON CONFLICT (call_key) DO UPDATE SET bitrix_call_id = excluded.bitrix_call_id, updated_at = excluded.updated_at
            """, cancellationToken, ("key", callKey), ("cid", callId));

    public async Task<string?> GetBitrixCallIdAsync(string callKey, CancellationToken cancellationToken = default) =>
        await ScalarAsync("SELECT bitrix_call_id FROM calls WHERE call_key = @key", cancellationToken, ("key", callKey)).ConfigureAwait(false) as string;

    public async Task<bool> KnowsCallAsync(string callKey, CancellationToken cancellationToken = default) =>
        await ScalarAsync("SELECT 1 FROM calls WHERE call_key = @key", cancellationToken, ("key", callKey)).ConfigureAwait(false) is not null;

    public async Task<IReadOnlyList<(string CallKey, string State)>> LiveCallStatesAsync(CancellationToken cancellationToken = default)
    {
        var states = new List<(string, string)>();
        await using NpgsqlCommand query = dataSource.CreateCommand("SELECT call_key, state FROM calls WHERE state IS NOT NULL ORDER BY updated_at, call_key");
        await using NpgsqlDataReader reader = await query.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            states.Add((reader.GetString(0), reader.GetString(1)));
        }

        return states;
    }

    public async Task<int> PruneAsync(DateTimeOffset cutoff, CancellationToken cancellationToken = default)
    {
        await using NpgsqlConnection db = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using NpgsqlTransaction tx = await db.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var batch = new NpgsqlBatch(db, tx)
        {
            BatchCommands =
            {
                Command("DELETE FROM outbox WHERE done_at IS NOT NULL AND done_at < @cutoff", ("cutoff", cutoff.ToUnixTimeMilliseconds())),
                Command("""
                    DELETE FROM calls c WHERE c.state IS NULL AND c.updated_at < @cutoff
                        AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.call_key = c.call_key AND o.done_at IS NULL)
                    """, ("cutoff", cutoff.ToUnixTimeMilliseconds())),
                // What SQLite forgets at every finish: CALL_IDs finished longer ago than they are remembered.
                Command("DELETE FROM finished_calls WHERE finished_at < @since",
                    ("since", Now() - (long)RememberFinishesFor.TotalMilliseconds)),
            },
        };
        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);

        // Rows of the outbox and the calls, as on SQLite (the finished CALL_IDs are bookkeeping).
        return batch.BatchCommands[0].RecordsAffected + batch.BatchCommands[1].RecordsAffected;
    }

    public async Task<IReadOnlyList<LaneBacklog>> LanesAsync(string tenant, CancellationToken cancellationToken = default)
    {
        var lanes = new List<LaneBacklog>();
        await using NpgsqlCommand query = dataSource.CreateCommand(OutboxSql.BacklogByLane);
        query.Parameters.AddWithValue("tenant", tenant);
        await using NpgsqlDataReader reader = await query.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            lanes.Add(OutboxRows.Backlog(reader));
        }

        return lanes;
    }

    public async Task<IReadOnlyList<WaitingCommand>> OldestWaitingAsync(string tenant, CancellationToken cancellationToken = default)
    {
        var oldest = new List<WaitingCommand>();
        await using NpgsqlCommand query = dataSource.CreateCommand(OutboxSql.OldestWaiting);
        query.Parameters.AddWithValue("tenant", tenant);
        await using NpgsqlDataReader reader = await query.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            oldest.Add(OutboxRows.Waiting(reader));
        }

        return oldest;
    }

    // The data source is the database's, shared by every store.
    public ValueTask DisposeAsync()
    {
        _append.Dispose();
        return ValueTask.CompletedTask;
    }

    private long Now() => time.GetUtcNow().ToUnixTimeMilliseconds();

    private static NpgsqlBatchCommand Command(string sql, params (string Name, object? Value)[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach ((string name, object? value) in parameters)
        {
            command.Parameters.Add(value is null
                ? new NpgsqlParameter(name, NpgsqlDbType.Text) { Value = DBNull.Value }
                : new NpgsqlParameter(name, value));
        }

        return command;
    }

    private async Task ExecuteAsync(string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using NpgsqlCommand command = dataSource.CreateCommand(sql);
        command.Parameters.AddWithValue("now", Now());
        foreach ((string name, object value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<object?> ScalarAsync(string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using NpgsqlCommand command = dataSource.CreateCommand(sql);
        foreach ((string name, object value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        object? value1 = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return value1 is DBNull ? null : value1;
    }
}
