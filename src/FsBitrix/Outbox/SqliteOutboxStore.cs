using System.Globalization;
using FsBitrix.Core.Calls;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace FsBitrix.Outbox;

/// <summary>
/// The outbox on SQLite (<see cref="IOutboxStore"/>): one connection, its statements prepared once, commits waiting
/// for the write-ahead log only (a checkpointer copies it back off the commit path). The single box's default.
/// </summary>
internal sealed partial class SqliteOutboxStore : IOutboxStore, ICallStates
{
    private readonly SqliteConnection _db;
    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly TimeProvider _time;
    private readonly WalCheckpointer _checkpointer;
    private readonly PreparedStatements _statements;
    private int _disposed;

    /// <summary>
    /// How long a card command waits for its siblings (the other phones of a ring group start ringing within
    /// milliseconds of each other), so they leave as one request.
    /// </summary>
    public TimeSpan CardCoalescing { get; init; } = TimeSpan.FromMilliseconds(150);

    /// <summary>
    /// How long a Bitrix24 CALL_ID stays known as finished: a leg that shows up late (after its originate's job timed
    /// out, or after an ESL gap) must not finish it a second time.
    /// </summary>
    public TimeSpan RememberFinishesFor { get; init; } = TimeSpan.FromDays(1);

    /// <summary>Awaited before every append: tests stand a slow disk here to widen the windows the code must close.</summary>
    public Func<CancellationToken, Task>? BeforeAppend { get; set; }

    private SqliteOutboxStore(SqliteConnection db, TimeProvider time, WalCheckpointer checkpointer)
    {
        _db = db;
        _time = time;
        _checkpointer = checkpointer;
        _statements = new PreparedStatements(db);
    }

    /// <summary>Statements prepared so far (tests: they are reused, not prepared again).</summary>
    internal int PreparedStatementCount => _statements.Count;

    internal int StatementReprepares => _statements.Reprepares();

    /// <summary>Copies the write-ahead log into the file off the commit path (tests watch it).</summary>
    internal WalCheckpointer Checkpointer => _checkpointer;

    public static async Task<SqliteOutboxStore> OpenAsync(string path, TimeProvider time, CancellationToken cancellationToken = default,
        ILogger? logger = null, WalCheckpointOptions? checkpoints = null)
    {
        // The file, its permissions, WAL and every feature's tables (Storage/SchemaMigrations).
        string connectionString = Storage.ServiceDatabase.Prepare(path);
        var db = new SqliteConnection(connectionString);
        await db.OpenAsync(cancellationToken).ConfigureAwait(false);
        using (SqliteCommand settings = db.CreateCommand())
        {
            // Per connection: commits wait for the WAL only, and the checkpointer (not the commit) copies it back.
            settings.CommandText = "PRAGMA synchronous = NORMAL; PRAGMA wal_autocheckpoint = 0;";
            await settings.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        WalCheckpointer checkpointer = await WalCheckpointer.StartAsync(connectionString, checkpoints ?? new WalCheckpointOptions(), time,
            logger ?? NullLogger.Instance, cancellationToken).ConfigureAwait(false);
        return new SqliteOutboxStore(db, time, checkpointer);
    }

    /// <summary>
    /// How long a finish whose end was inferred (<see cref="FinishCall.Estimated"/>) waits for the call's CDRs to
    /// correct it (<see cref="CorrectFinishAsync"/>); zero (no CDRs read): it goes at once.
    /// </summary>
    public TimeSpan EstimatedFinishWait { get; set; }

    /// <summary>
    /// Appends one reduce step's commands and the call's new state in one transaction. A finish, show or hide of a
    /// portal CALL_ID that was already finished is not appended: Bitrix24 takes one finish per call.
    /// </summary>
    /// <returns>The commands left out that way (for the log).</returns>
    public Task<IReadOnlyList<CallCommand>> AppendAsync(string callKey, IReadOnlyList<CallCommand> commands, string? stateJson,
        bool callOver, CancellationToken cancellationToken = default) =>
        AppendAsync([new OutboxWrite(callKey, commands, stateJson, callOver)], cancellationToken);

    /// <summary>
    /// Appends several steps, in order, in one transaction: a burst of channel events costs one commit, not one
    /// per event. A call written twice keeps its last state.
    /// </summary>
    /// <returns>The finish/show/hide commands left out because their CALL_ID was already finished.</returns>
    public async Task<IReadOnlyList<CallCommand>> AppendAsync(IReadOnlyList<OutboxWrite> writes, CancellationToken cancellationToken = default)
    {
        if (BeforeAppend is { } slowDisk)
        {
            await slowDisk(cancellationToken).ConfigureAwait(false);
        }

        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using SqliteTransaction tx = _db.BeginTransaction();
            long now = Now();
            var refused = new List<CallCommand>();
            SqliteCommand insert = Command("""
                INSERT INTO outbox (call_key, kind, payload, created_at, not_before, tenant, awaits_cdr)
                VALUES ($key, $kind, $payload, $now, $nb, $tenant, $cdr)
                """, tx);
            SqliteParameter awaitsCdr = insert.Parameters.Add("$cdr", SqliteType.Integer);
            SqliteParameter key = insert.Parameters.Add("$key", SqliteType.Text);
            SqliteParameter tenant = insert.Parameters.Add("$tenant", SqliteType.Text);
            SqliteParameter kind = insert.Parameters.Add("$kind", SqliteType.Text);
            SqliteParameter payload = insert.Parameters.Add("$payload", SqliteType.Text);
            SqliteParameter notBefore = insert.Parameters.Add("$nb", SqliteType.Integer);
            insert.Parameters.AddWithValue("$now", now);
            foreach (OutboxWrite write in writes)
            {
                foreach (CallCommand command in write.Commands)
                {
                    if (!FirstFinishOrBefore(command, now, tx))
                    {
                        refused.Add(command);
                        continue;
                    }

                    (string commandKind, string commandPayload) = CommandCodec.Encode(command);
                    key.Value = command.CallKey;
                    tenant.Value = write.Tenant;
                    kind.Value = commandKind;
                    payload.Value = commandPayload;
                    awaitsCdr.Value = OutboxRows.AwaitsCdr(command, EstimatedFinishWait) ? 1 : 0;
                    notBefore.Value = OutboxRows.NotBefore(command, now, CardCoalescing, EstimatedFinishWait);
                    insert.ExecuteNonQuery();
                }
            }

            SqliteCommand state = Command("""
                INSERT INTO calls (call_key, state, updated_at) VALUES ($key, $state, $now)
                ON CONFLICT (call_key) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at
                """, tx);
            SqliteParameter stateKey = state.Parameters.Add("$key", SqliteType.Text);
            SqliteParameter stateJson = state.Parameters.Add("$state", SqliteType.Text);
            state.Parameters.AddWithValue("$now", now);
            foreach (OutboxWrite last in LastPerCall(writes))
            {
                stateKey.Value = last.CallKey;
                stateJson.Value = last.CallOver ? DBNull.Value : (object?)last.StateJson ?? DBNull.Value;
                state.ExecuteNonQuery();
            }

            tx.Commit();
            _checkpointer.Committed();
            return refused;
        }
        finally
        {
            _lock.Release();
        }
    }

    private static IEnumerable<OutboxWrite> LastPerCall(IReadOnlyList<OutboxWrite> writes)
    {
        if (writes.Count == 1)
        {
            return writes;
        }

        var last = new Dictionary<string, OutboxWrite>(StringComparer.Ordinal);
        foreach (OutboxWrite write in writes)
        {
            last[write.CallKey] = write;
        }

        return last.Values;
    }

    /// <summary>
    /// False for a finish/show/hide of a CALL_ID finished within <see cref="RememberFinishesFor"/>; a first finish
    /// is remembered. Recordings still go: Bitrix24 attaches them to finished calls.
    /// </summary>
    private bool FirstFinishOrBefore(CallCommand command, long now, SqliteTransaction tx)
    {
        if (!OutboxRows.EndsOrShowsCard(command) || command.BitrixCallId is not { } callId)
        {
            return true;
        }

        long since = now - (long)RememberFinishesFor.TotalMilliseconds;
        SqliteCommand known = Command("SELECT 1 FROM finished_calls WHERE bitrix_call_id = $id AND finished_at >= $since", tx);
        known.Parameters.AddWithValue("$id", callId);
        known.Parameters.AddWithValue("$since", since);
        if (known.ExecuteScalar() is not null)
        {
            return false;
        }

        if (command is FinishCall)
        {
            SqliteCommand remember = Command("""
                DELETE FROM finished_calls WHERE finished_at < $since;
                INSERT OR REPLACE INTO finished_calls (bitrix_call_id, call_key, finished_at) VALUES ($id, $key, $now);
                """, tx);
            remember.Parameters.AddWithValue("$id", callId);
            remember.Parameters.AddWithValue("$key", command.CallKey);
            remember.Parameters.AddWithValue("$now", now);
            remember.Parameters.AddWithValue("$since", since);
            remember.ExecuteNonQuery();
        }

        return true;
    }

    // Only heads count: a command behind its call's head goes when the head is done, and that delivery's end wakes the
    // dispatcher. So do busy calls' heads: their due time says nothing while their call is being delivered.
    private DateTimeOffset? NextHeadDueAfter(long now, IReadOnlySet<string> busy, string tenant)
    {
        SqliteCommand query = Command(OutboxSql.NextHeadDue);
        query.Parameters.AddWithValue("@now", now);
        query.Parameters.AddWithValue("@tenant", tenant);
        query.Parameters.AddWithValue("@max", busy.Count + 1);
        using SqliteDataReader reader = query.ExecuteReader();
        while (reader.Read())
        {
            if (!busy.Contains(reader.GetString(0)))
            {
                return DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1));
            }
        }

        return null;
    }

    public Task MarkDoneAsync(long id, string outcome, CancellationToken cancellationToken = default) =>
        UpdateAsync("UPDATE outbox SET done_at = $now, outcome = $outcome WHERE id = $id",
            cancellationToken, ("$id", id), ("$outcome", outcome));

    /// <param name="ambiguous">The attempt may have run in Bitrix24 (kept: a later retry of finish must know).</param>
    /// <param name="countAttempt">False for a failure that is not the command's (authorization broken for all).</param>
    public Task MarkRetryAsync(long id, string error, DateTimeOffset notBefore, bool ambiguous, CancellationToken cancellationToken = default,
        bool countAttempt = true) =>
        UpdateAsync("""
            UPDATE outbox SET attempts = attempts + $count, last_error = $error, not_before = $nb,
                ambiguous = MAX(ambiguous, $ambiguous) WHERE id = $id
            """, cancellationToken, ("$id", id), ("$error", error), ("$nb", notBefore.ToUnixTimeMilliseconds()),
            ("$ambiguous", ambiguous ? 1 : 0), ("$count", countAttempt ? 1 : 0));

    /// <summary>Every waiting command is due now (authorization works again: their waits were for it).</summary>
    public Task ReleaseWaitingAsync(CancellationToken cancellationToken = default) =>
        ReleaseWaitingAsync(IOutboxStore.DefaultTenant, cancellationToken);

    /// <summary>Every waiting command of one company is due now (its portal's authorization works again).</summary>
    public Task ReleaseWaitingAsync(string tenant, CancellationToken cancellationToken = default) =>
        UpdateAsync("UPDATE outbox SET not_before = $now WHERE done_at IS NULL AND not_before > $now AND tenant = $tenant AND awaits_cdr = 0",
            cancellationToken, ("$tenant", tenant));

    /// <summary>
    /// Whether the call is followed live (its state is kept: it is not over). Its CDRs, come early or during a gap,
    /// wait until it is.
    /// </summary>
    public async Task<bool> CallIsLiveAsync(string callKey, CancellationToken cancellationToken = default) =>
        await ScalarAsync("SELECT 1 FROM calls WHERE call_key = $key AND state IS NOT NULL", cancellationToken, ("$key", callKey))
            .ConfigureAwait(false) is not null;

    /// <summary>The recordings queued for the call so far, sent or not (their file paths).</summary>
    public async Task<IReadOnlySet<string>> RecordingsOfAsync(string callKey, CancellationToken cancellationToken = default)
    {
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            SqliteCommand query = Command($"SELECT payload FROM outbox WHERE call_key = $key AND kind = '{nameof(AttachRecording)}'");
            query.Parameters.AddWithValue("$key", callKey);
            var paths = new HashSet<string>(StringComparer.Ordinal);
            using SqliteDataReader reader = query.ExecuteReader();
            while (reader.Read())
            {
                paths.Add(((AttachRecording)CommandCodec.Decode(nameof(AttachRecording), reader.GetString(0))).FilePath);
            }

            return paths;
        }
        finally
        {
            _lock.Release();
        }
    }

    public async Task<bool> CorrectFinishAsync(string callKey, FinishCall fromCdr, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(fromCdr);
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            SqliteCommand query = Command($"""
                SELECT id, payload FROM outbox
                WHERE call_key = $key AND kind = '{nameof(FinishCall)}' AND awaits_cdr = 1 AND done_at IS NULL AND attempts = 0
                """);
            query.Parameters.AddWithValue("$key", callKey);
            (long Id, string Payload)? held = null;
            using (SqliteDataReader reader = query.ExecuteReader())
            {
                if (reader.Read())
                {
                    held = (reader.GetInt64(0), reader.GetString(1));
                }
            }

            if (held is not { } row)
            {
                return false;
            }

            FinishCall corrected = OutboxRows.Corrected((FinishCall)CommandCodec.Decode(nameof(FinishCall), row.Payload), fromCdr);
            SqliteCommand update = Command("UPDATE outbox SET payload = $payload, awaits_cdr = 0, not_before = $now WHERE id = $id");
            update.Parameters.AddWithValue("$payload", CommandCodec.Encode(corrected).Payload);
            update.Parameters.AddWithValue("$now", Now());
            update.Parameters.AddWithValue("$id", row.Id);
            update.ExecuteNonQuery();
            _checkpointer.Committed();
            return true;
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>Whether the call's finish is waiting in the outbox: the call is over, its cards have nothing to show.</summary>
    public async Task<bool> FinishPendingAsync(string callKey, CancellationToken cancellationToken = default) =>
        (long)(await ScalarAsync(
            $"SELECT EXISTS (SELECT 1 FROM outbox WHERE call_key = $key AND kind = '{nameof(FinishCall)}' AND done_at IS NULL)",
            cancellationToken, ("$key", callKey)).ConfigureAwait(false) ?? 0L) != 0;

    /// <summary>Every company key with commands waiting, and how many.</summary>
    public async Task<IReadOnlyList<(string Tenant, long Pending)>> PendingByTenantAsync(CancellationToken cancellationToken = default)
    {
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            SqliteCommand query = Command("SELECT tenant, COUNT(*) FROM outbox WHERE done_at IS NULL GROUP BY tenant");
            using SqliteDataReader reader = query.ExecuteReader();
            var pending = new List<(string, long)>();
            while (reader.Read())
            {
                pending.Add((reader.GetString(0), reader.GetInt64(1)));
            }

            return pending;
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>Commands of one company's portal not delivered yet (health).</summary>
    public async Task<long> PendingCountAsync(string tenant, CancellationToken cancellationToken = default) =>
        (long)(await ScalarAsync("SELECT COUNT(*) FROM outbox WHERE done_at IS NULL AND tenant = $tenant", cancellationToken,
            ("$tenant", tenant)).ConfigureAwait(false) ?? 0L);


    /// <summary>Attempts counted so far of the commands still waiting (health, tests).</summary>
    public async Task<long> PendingAttemptsAsync(CancellationToken cancellationToken = default) =>
        (long)(await ScalarAsync("SELECT COALESCE(SUM(attempts), 0) FROM outbox WHERE done_at IS NULL", cancellationToken).ConfigureAwait(false) ?? 0L);

    public Task SetBitrixCallIdAsync(string callKey, string callId, CancellationToken cancellationToken = default) =>
        UpdateAsync("""
            INSERT INTO calls (call_key, bitrix_call_id, updated_at) VALUES ($key, $cid, $now)
            ON CONFLICT (call_key) DO UPDATE SET bitrix_call_id = excluded.bitrix_call_id, updated_at = excluded.updated_at
            """, cancellationToken, ("$key", callKey), ("$cid", callId));

    public async Task<string?> GetBitrixCallIdAsync(string callKey, CancellationToken cancellationToken = default) =>
        await ScalarAsync("SELECT bitrix_call_id FROM calls WHERE call_key = $key", cancellationToken, ("$key", callKey))
            .ConfigureAwait(false) as string;

    /// <summary>Whether the tracker ever stored this call (it follows it, or it is over).</summary>
    public async Task<bool> KnowsCallAsync(string callKey, CancellationToken cancellationToken = default) =>
        await ScalarAsync("SELECT 1 FROM calls WHERE call_key = $key", cancellationToken, ("$key", callKey)).ConfigureAwait(false) is not null;

    /// <summary>Reducer states of calls that were not over when the service stopped.</summary>
    public async Task<IReadOnlyList<(string CallKey, string State)>> LiveCallStatesAsync(CancellationToken cancellationToken = default)
    {
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            SqliteCommand query = Command("SELECT call_key, state FROM calls WHERE state IS NOT NULL ORDER BY updated_at");
            using SqliteDataReader reader = query.ExecuteReader();
            var states = new List<(string, string)>();
            while (reader.Read())
            {
                states.Add((reader.GetString(0), reader.GetString(1)));
            }

            return states;
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>
    /// Deletes what is of no use to delivery any more: commands delivered before <paramref name="cutoff"/> and ended
    /// calls with nothing left to send. Without it the file grows with every call ever made.
    /// </summary>
    /// <returns>Rows deleted.</returns>
    public async Task<int> PruneAsync(DateTimeOffset cutoff, CancellationToken cancellationToken = default)
    {
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using SqliteTransaction tx = _db.BeginTransaction();
            SqliteCommand prune = Command("""
                DELETE FROM outbox WHERE done_at IS NOT NULL AND done_at < $cutoff;
                DELETE FROM calls WHERE state IS NULL AND updated_at < $cutoff
                    AND call_key NOT IN (SELECT call_key FROM outbox WHERE done_at IS NULL);
                """, tx);
            prune.Parameters.AddWithValue("$cutoff", cutoff.ToUnixTimeMilliseconds());
            int deleted = prune.ExecuteNonQuery();
            tx.Commit();
            _checkpointer.Committed();
            return deleted;
        }
        finally
        {
            _lock.Release();
        }
    }

    public async Task<long> PendingCountAsync(CancellationToken cancellationToken = default) =>
        (long)(await ScalarAsync("SELECT COUNT(*) FROM outbox WHERE done_at IS NULL", cancellationToken).ConfigureAwait(false) ?? 0L);

    // Disposed by its database (Storage/ServiceStorage) and by the container that handed it out: the second is a no-op.
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _checkpointer.DisposeAsync().ConfigureAwait(false);
        _statements.Dispose();
        await _db.DisposeAsync().ConfigureAwait(false);
        _lock.Dispose();
    }

    private long Now() => _time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>A prepared statement, reused: not disposed by the caller, and only used under <see cref="_lock"/>.</summary>
    private SqliteCommand Command(string sql, SqliteTransaction? tx = null) => _statements.For(sql, tx);

    private async Task UpdateAsync(string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            SqliteCommand command = Command(sql);
            command.Parameters.AddWithValue("$now", Now());
            foreach ((string name, object value) in parameters)
            {
                command.Parameters.AddWithValue(name, value);
            }

            command.ExecuteNonQuery();
            _checkpointer.Committed();
        }
        finally
        {
            _lock.Release();
        }
    }

    private async Task<object?> ScalarAsync(string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            SqliteCommand command = Command(sql);
            foreach ((string name, object value) in parameters)
            {
                command.Parameters.AddWithValue(name, value);
            }

            object? value1 = command.ExecuteScalar();
            return value1 is DBNull ? null : value1;
        }
        finally
        {
            _lock.Release();
        }
    }
}
