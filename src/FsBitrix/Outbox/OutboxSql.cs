namespace FsBitrix.Outbox;

/// <summary>
/// The dispatcher's and the health pages' reads, one text for both providers (<c>@name</c> parameters, which SQLite and
/// PostgreSQL both take): which calls' heads are due, when the next one falls due, the lanes' backlog, each lane's
/// oldest waiting command. Their rows are read by <see cref="OutboxRows"/>.
/// </summary>
internal static class OutboxSql
{
    /// <summary>The first command not yet done of every call: only a call's head may go.</summary>
    private const string PendingHeads = "SELECT MIN(id) AS id FROM outbox WHERE done_at IS NULL GROUP BY call_key";

    /// <summary>Calls whose head is due (<c>@now</c>) for <c>@tenant</c>, ringing lane first, then oldest; <c>@max</c> rows.</summary>
    public const string DueCallKeys = $"""
        SELECT o.call_key
        FROM outbox o
        JOIN ({PendingHeads}) h ON h.id = o.id
        WHERE o.not_before <= @now AND o.tenant = @tenant
        ORDER BY {Outbox.Lanes.SqlOrder}, o.id
        LIMIT @max
        """;

    /// <summary>Heads not due yet, soonest first: the call and when (<c>@max</c> rows, busy calls skipped by the reader).</summary>
    public const string NextHeadDue = $"""
        SELECT o.call_key, o.not_before
        FROM outbox o
        JOIN ({PendingHeads}) h ON h.id = o.id
        WHERE o.not_before > @now AND o.tenant = @tenant
        ORDER BY o.not_before
        LIMIT @max
        """;

    /// <summary>Per lane of <c>@tenant</c>: how many wait, since when (<see cref="OutboxRows.Backlog"/>).</summary>
    public const string BacklogByLane = $"""
        SELECT {Outbox.Lanes.SqlOrder} AS lane, COUNT(*), MIN(created_at) FROM outbox
        WHERE done_at IS NULL AND tenant = @tenant GROUP BY lane ORDER BY lane
        """;

    /// <summary>Per lane of <c>@tenant</c>, its oldest waiting command (<see cref="OutboxRows.Waiting"/>).</summary>
    public const string OldestWaiting = $"""
        SELECT lane, kind, call_key, attempts, last_error, not_before, created_at FROM (
            SELECT {Outbox.Lanes.SqlOrder} AS lane, kind, call_key, attempts, last_error, not_before, created_at,
                   ROW_NUMBER() OVER (PARTITION BY {Outbox.Lanes.SqlOrder} ORDER BY id) AS n
            FROM outbox WHERE done_at IS NULL AND tenant = @tenant) AS q
        WHERE n = 1 ORDER BY lane
        """;
}
