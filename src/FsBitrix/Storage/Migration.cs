using Microsoft.Data.Sqlite;

namespace FsBitrix.Storage;

/// <summary>One numbered change of the service database's schema, applied once, in order, inside a transaction.</summary>
/// <param name="Version">The schema version it brings the file to (<c>PRAGMA user_version</c>).</param>
/// <param name="Name">What it is for, as the log says it.</param>
internal sealed record Migration(int Version, string Name, Action<SqliteConnection, SqliteTransaction> Apply);
