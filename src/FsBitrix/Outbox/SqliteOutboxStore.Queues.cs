using FsBitrix.Core.Calls;
using Microsoft.Data.Sqlite;

namespace FsBitrix.Outbox;

// The read the batching dispatcher plans from: for each call whose head is due, everything it has waiting, so that one
// request can carry a call's register, its cards and its finish, and a card whose moment passed is seen as such.
internal sealed partial class SqliteOutboxStore
{
    /// <summary>
    /// The calls whose head is due, not in <paramref name="busy"/>, at most <paramref name="maxCalls"/>: ringing work
    /// first (register, show), then hides, finishes, recordings; oldest first within a lane. Each with its whole
    /// pending queue (up to <see cref="QueueDepth"/>). When none is due, when the first other head falls due.
    /// </summary>
    public async Task<DueQueues> DueQueuesAsync(int maxCalls, IReadOnlySet<string> busy, string tenant, CancellationToken cancellationToken = default)
    {
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            long now = Now();
            List<string> keys = maxCalls > 0 ? DueCallKeys(now, maxCalls, busy, tenant) : [];
            return keys.Count > 0
                ? new DueQueues(QueuesOf(keys), null)
                : new DueQueues([], NextHeadDueAfter(now, busy, tenant));
        }
        finally
        {
            _lock.Release();
        }
    }

    private List<string> DueCallKeys(long now, int max, IReadOnlySet<string> busy, string tenant)
    {
        SqliteCommand query = Command(OutboxSql.DueCallKeys);
        query.Parameters.AddWithValue("@now", now);
        query.Parameters.AddWithValue("@tenant", tenant);
        query.Parameters.AddWithValue("@max", max + busy.Count);
        var keys = new List<string>();
        using SqliteDataReader reader = query.ExecuteReader();
        while (reader.Read() && keys.Count < max)
        {
            string key = reader.GetString(0);
            if (!busy.Contains(key))
            {
                keys.Add(key);
            }
        }

        return keys;
    }

    private List<CallQueue> QueuesOf(List<string> keys)
    {
        SqliteCommand query = Command($"""
            SELECT {OutboxRows.EntryColumns} FROM (
                SELECT o.*, ROW_NUMBER() OVER (PARTITION BY o.call_key ORDER BY o.id) AS n
                FROM outbox o WHERE o.done_at IS NULL AND o.call_key IN (SELECT value FROM json_each($keys)))
            WHERE n <= {OutboxRows.QueueDepth}
            ORDER BY call_key, id
            """);
        query.Parameters.AddWithValue("$keys", System.Text.Json.JsonSerializer.Serialize(keys));
        var pending = new Dictionary<string, List<OutboxEntry>>(StringComparer.Ordinal);
        using (SqliteDataReader reader = query.ExecuteReader())
        {
            while (reader.Read())
            {
                string key = reader.GetString(1);
                if (!pending.TryGetValue(key, out List<OutboxEntry>? list))
                {
                    pending[key] = list = [];
                }

                list.Add(OutboxRows.Entry(reader));
            }
        }

        // In the order the keys were chosen (lane, then age); a call delivered meanwhile has nothing left and drops out.
        return [.. keys.Where(pending.ContainsKey).Select(k => new CallQueue(k, pending[k]))];
    }

    /// <summary>Per lane, how many commands of this company wait and since when the oldest was written (health).</summary>
    public async Task<IReadOnlyList<LaneBacklog>> LanesAsync(string tenant, CancellationToken cancellationToken = default)
    {
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            SqliteCommand query = Command(OutboxSql.BacklogByLane);
            query.Parameters.AddWithValue("@tenant", tenant);
            var lanes = new List<LaneBacklog>();
            using SqliteDataReader reader = query.ExecuteReader();
            while (reader.Read())
            {
                lanes.Add(OutboxRows.Backlog(reader));
            }

            return lanes;
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>Per lane, the oldest command of this company still waiting, with its attempts and last error (status page).</summary>
    public async Task<IReadOnlyList<WaitingCommand>> OldestWaitingAsync(string tenant, CancellationToken cancellationToken = default)
    {
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            SqliteCommand query = Command(OutboxSql.OldestWaiting);
            query.Parameters.AddWithValue("@tenant", tenant);
            var oldest = new List<WaitingCommand>();
            using SqliteDataReader reader = query.ExecuteReader();
            while (reader.Read())
            {
                oldest.Add(OutboxRows.Waiting(reader));
            }

            return oldest;
        }
        finally
        {
            _lock.Release();
        }
    }

}
