using Microsoft.Data.Sqlite;

namespace FsBitrix.Outbox;

/// <summary>
/// The outbox connection's statements, each parsed and planned once. A new <see cref="SqliteCommand"/> prepares its
/// SQL again at every use; the dispatcher runs its queries at every pass and the writer its inserts at every commit,
/// so the reuse saves SQLite's parser and planner and the command's allocations on the path of every call.
/// </summary>
/// <remarks>Not thread-safe: used only under the store's lock, as the connection itself is.</remarks>
internal sealed class PreparedStatements(SqliteConnection db) : IDisposable
{
    private readonly Dictionary<string, SqliteCommand> _bySql = new(StringComparer.Ordinal);

    /// <summary>The command for <paramref name="sql"/>, its parameters cleared, in <paramref name="transaction"/>.</summary>
    /// <remarks>The caller does not dispose it; a reader it opens must be disposed before the statement is used again.</remarks>
    public SqliteCommand For(string sql, SqliteTransaction? transaction)
    {
        if (!_bySql.TryGetValue(sql, out SqliteCommand? command))
        {
            command = db.CreateCommand();
            command.CommandText = sql;
            _bySql.Add(sql, command);
        }

        command.Transaction = transaction;
        command.Parameters.Clear();
        return command;
    }

    public int Count => _bySql.Count;

    public void Dispose()
    {
        foreach (SqliteCommand command in _bySql.Values)
        {
            command.Dispose();
        }

        _bySql.Clear();
    }
}
