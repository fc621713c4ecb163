using Microsoft.Data.Sqlite;

namespace FsBitrix.Cdr;

/// <summary>
/// The CDRs received (posted, or read from the folders), one row per leg, kept until their call is imported or found
/// seen live: a post is answered 200 only once its row is written, and a restart resumes the legs still waiting.
/// </summary>
internal sealed class CdrInbox : ICdrInbox
{
    private readonly SqliteConnection _db;
    private readonly Lock _gate = new();

    private CdrInbox(SqliteConnection db) => _db = db;

    /// <summary>Opens its table in the service database at <paramref name="path"/> (Storage/SchemaMigrations).</summary>
    public static CdrInbox Open(string path)
    {
        var db = new SqliteConnection(Storage.ServiceDatabase.Prepare(path));
        db.Open();
        using SqliteCommand busy = db.CreateCommand();
        busy.CommandText = "PRAGMA busy_timeout = 5000;";
        busy.ExecuteNonQuery();
        return new CdrInbox(db);
    }

    /// <returns>False when the leg was received before (a file read again, a post repeated).</returns>
    public bool Add(string uuid, string xml, DateTimeOffset now) => Execute(
        "INSERT OR IGNORE INTO cdr_legs (uuid, xml, received_at) VALUES ($uuid, $xml, $now)",
        ("$uuid", uuid), ("$xml", xml), ("$now", now.ToUnixTimeMilliseconds())) > 0;

    public bool Knows(string uuid)
    {
        lock (_gate)
        {
            using SqliteCommand query = _db.CreateCommand();
            query.CommandText = "SELECT 1 FROM cdr_legs WHERE uuid = $uuid";
            query.Parameters.AddWithValue("$uuid", uuid);
            return query.ExecuteScalar() is not null;
        }
    }

    /// <summary>What became of a leg: "imported", "seen live"; null while it waits or when it never came.</summary>
    public string? Outcome(string uuid)
    {
        lock (_gate)
        {
            using SqliteCommand query = _db.CreateCommand();
            query.CommandText = "SELECT outcome FROM cdr_legs WHERE uuid = $uuid";
            query.Parameters.AddWithValue("$uuid", uuid);
            return query.ExecuteScalar() as string;
        }
    }

    /// <summary>The legs not dealt with yet: uuid, the CDR, when it came.</summary>
    public List<(string Uuid, string Xml, DateTimeOffset ReceivedAt)> Waiting()
    {
        lock (_gate)
        {
            using SqliteCommand query = _db.CreateCommand();
            query.CommandText = "SELECT uuid, xml, received_at FROM cdr_legs WHERE done_at IS NULL ORDER BY received_at";
            using SqliteDataReader reader = query.ExecuteReader();
            var legs = new List<(string, string, DateTimeOffset)>();
            while (reader.Read())
            {
                legs.Add((reader.GetString(0), reader.GetString(1), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2))));
            }

            return legs;
        }
    }

    /// <summary>The legs are dealt with: their CDR text is dropped (only the uuid stays, so a repeat is recognised).</summary>
    public void Done(IEnumerable<string> uuids, string outcome, DateTimeOffset now)
    {
        foreach (string uuid in uuids)
        {
            Execute("UPDATE cdr_legs SET done_at = $now, outcome = $outcome, xml = '' WHERE uuid = $uuid",
                ("$uuid", uuid), ("$outcome", outcome), ("$now", now.ToUnixTimeMilliseconds()));
        }
    }

    /// <summary>Forgets legs dealt with before <paramref name="before"/>: their CDRs are past the horizon, never read again.</summary>
    public void Prune(DateTimeOffset before) =>
        Execute("DELETE FROM cdr_legs WHERE done_at IS NOT NULL AND done_at < $before", ("$before", before.ToUnixTimeMilliseconds()));

    public void Dispose() => _db.Dispose();

    private int Execute(string sql, params (string Name, object Value)[] parameters)
    {
        lock (_gate)
        {
            using SqliteCommand command = _db.CreateCommand();
            command.CommandText = sql;
            foreach ((string name, object value) in parameters)
            {
                command.Parameters.AddWithValue(name, value);
            }

            return command.ExecuteNonQuery();
        }
    }
}
