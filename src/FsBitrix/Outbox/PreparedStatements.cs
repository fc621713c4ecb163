using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace FsBitrix.Outbox;

/// <summary>
/// The outbox connection's statements, each parsed and planned once. A new <see cref="SqliteCommand"/> prepares its
/// SQL again at every use; the dispatcher runs its queries at every pass and the writer its inserts at every commit,
/// so the reuse saves SQLite's parser and planner and the command's allocations on the path of every call.
/// </summary>
/// <remarks>Not thread-safe: used only under the store's lock, as the connection itself is.</remarks>
internal sealed class PreparedStatements : IDisposable
{
    private const int EnableQueryPlannerStabilityGuarantee = 1007; // SQLITE_DBCONFIG_ENABLE_QPSG
    private const int ReprepareCounter = 5; // SQLITE_STMTSTATUS_REPREPARE

    private readonly SqliteConnection _db;
    private readonly Dictionary<string, SqliteCommand> _bySql = new(StringComparer.Ordinal);

    public PreparedStatements(SqliteConnection db)
    {
        _db = db;
        // SQLite plans with the value of some variables (a LIMIT's among them) and re-plans the statement whenever such
        // a variable is bound again: the dispatcher's two queries, bound at every pass, were parsed and planned at every
        // use. With the planner's stability guarantee on, no plan depends on a bound value, so each is prepared once.
        SqliteException.ThrowExceptionForRC(raw.sqlite3_db_config(db.Handle, EnableQueryPlannerStabilityGuarantee, 1, out _), db.Handle);
        // Lets Reprepares() walk the live statements: a dictionary entry per prepared statement (the reused ones stay;
        // the BEGIN and COMMIT that Microsoft.Data.Sqlite prepares per transaction come and go).
        db.Handle!.enable_sqlite3_next_stmt(true);
    }

    /// <summary>The command for <paramref name="sql"/>, its parameters cleared, in <paramref name="transaction"/>.</summary>
    /// <remarks>The caller does not dispose it; a reader it opens must be disposed before the statement is used again.</remarks>
    public SqliteCommand For(string sql, SqliteTransaction? transaction)
    {
        if (!_bySql.TryGetValue(sql, out SqliteCommand? command))
        {
            command = _db.CreateCommand();
            command.CommandText = sql;
            _bySql.Add(sql, command);
        }

        command.Transaction = transaction;
        command.Parameters.Clear();
        return command;
    }

    public int Count => _bySql.Count;

    /// <summary>How often SQLite has prepared the connection's live statements again since they were first prepared.</summary>
    public int Reprepares()
    {
        int total = 0;
        for (sqlite3_stmt? stmt = raw.sqlite3_next_stmt(_db.Handle, null); stmt is not null && !stmt.IsInvalid;
             stmt = raw.sqlite3_next_stmt(_db.Handle, stmt))
        {
            total += raw.sqlite3_stmt_status(stmt, ReprepareCounter, 0);
        }

        return total;
    }

    public void Dispose()
    {
        foreach (SqliteCommand command in _bySql.Values)
        {
            command.Dispose();
        }

        _bySql.Clear();
    }
}
