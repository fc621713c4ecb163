using Npgsql;

namespace FsBitrix.Cdr;

/// <summary>
/// <see cref="ICdrInbox"/> on PostgreSQL: a CDR posted to any instance is stored once (the leg's UUID decides), and
/// whichever instance imports calls finds every leg there.
/// </summary>
internal sealed class PostgresCdrInbox(NpgsqlDataSource dataSource) : ICdrInbox
{
    public bool Add(string uuid, string xml, DateTimeOffset now) => Execute(
        "INSERT INTO cdr_legs (uuid, xml, received_at) VALUES (@uuid, @xml, @now) ON CONFLICT (uuid) DO NOTHING",
        ("uuid", uuid), ("xml", xml), ("now", now.ToUnixTimeMilliseconds())) > 0;

    public bool Knows(string uuid) => Scalar("SELECT 1 FROM cdr_legs WHERE uuid = @uuid", ("uuid", uuid)) is not null;

    public string? Outcome(string uuid) => Scalar("SELECT outcome FROM cdr_legs WHERE uuid = @uuid", ("uuid", uuid)) as string;

    public List<(string Uuid, string Xml, DateTimeOffset ReceivedAt)> Waiting()
    {
        using NpgsqlCommand query = dataSource.CreateCommand("SELECT uuid, xml, received_at FROM cdr_legs WHERE done_at IS NULL ORDER BY received_at");
        using NpgsqlDataReader reader = query.ExecuteReader();
        var legs = new List<(string, string, DateTimeOffset)>();
        while (reader.Read())
        {
            legs.Add((reader.GetString(0), reader.GetString(1), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2))));
        }

        return legs;
    }

    public void Done(IEnumerable<string> uuids, string outcome, DateTimeOffset now) => Execute(
        "UPDATE cdr_legs SET done_at = @now, outcome = @outcome, xml = '' WHERE uuid = ANY(@uuids)",
        ("uuids", uuids.ToArray()), ("outcome", outcome), ("now", now.ToUnixTimeMilliseconds()));

    public void Prune(DateTimeOffset before) =>
        Execute("DELETE FROM cdr_legs WHERE done_at IS NOT NULL AND done_at < @before", ("before", before.ToUnixTimeMilliseconds()));

    // The data source is the database's, shared by every store.
    public void Dispose()
    {
    }

    private int Execute(string sql, params (string Name, object Value)[] parameters)
    {
        using NpgsqlCommand command = Command(sql, parameters);
        return command.ExecuteNonQuery();
    }

    private object? Scalar(string sql, params (string Name, object Value)[] parameters)
    {
        using NpgsqlCommand command = Command(sql, parameters);
        return command.ExecuteScalar();
    }

    private NpgsqlCommand Command(string sql, (string Name, object Value)[] parameters)
    {
        NpgsqlCommand command = dataSource.CreateCommand(sql);
        foreach ((string name, object value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return command;
    }
}
