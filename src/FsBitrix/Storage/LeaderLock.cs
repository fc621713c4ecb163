using Microsoft.Extensions.Logging;
using Npgsql;

namespace FsBitrix.Storage;

/// <summary>
/// Which FsBitrix instance of one PostgreSQL database leads (docs/SCALING.md): the one holding FsBitrix's session
/// advisory lock on a connection of its own. PostgreSQL frees the lock the moment that connection ends — the process
/// killed, its host lost (found by TCP keepalives), the database restarted — and the leader learns it has lost the lock
/// from <see cref="LeaderTerm.Lost"/>, at the latest one <see cref="Heartbeat"/> later, and must stop writing then.
/// </summary>
internal sealed partial class LeaderLock(string connectionString, TimeProvider time, ILogger<LeaderLock> logger)
{
    // FsBitrix's own advisory-lock key for leadership (the schema's migrations use another).
    private const long Key = 0x46_73_42_72_78_4C; // "FsBrxL"

    /// <summary>The leadership lock's key, as <c>pg_locks</c> shows it (classid high 32 bits, objid low): <c>check</c> reads who holds it.</summary>
    public const long LockKey = Key;

    /// <summary>How often a standby asks for the lock, and the leader checks it still holds it.</summary>
    public TimeSpan Heartbeat { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Leads now if no other instance does; null when another holds the lock.</summary>
    public async Task<LeaderTerm?> TryAcquireAsync(CancellationToken cancellationToken = default)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString)
        {
            // A dead peer is found in seconds, not in the kernel's two hours; the lock's connection is never pooled. The
            // term's own heartbeat is the check (an Npgsql keepalive beside it would only add traffic).
            TcpKeepAlive = true,
            TcpKeepAliveTime = 2,
            TcpKeepAliveInterval = 1,
            Pooling = false,
        };
        var db = new NpgsqlConnection(builder.ConnectionString);
        try
        {
            await db.OpenAsync(cancellationToken).ConfigureAwait(false);

            // The server's side of this connection: when the leader's host is lost (powered off, cut off), nothing closes
            // the socket, and PostgreSQL would hold the lock for the OS's default two hours of silence. Probed after 2 s
            // idle, every second, given up after 3 unanswered probes, the session ends and the lock is free within about
            // 5 s. Settable per session by any user, on every PostgreSQL FsBitrix meets; ignored on a Unix socket.
            await using (var keepAlive = new NpgsqlCommand(
                "SET tcp_keepalives_idle = 2; SET tcp_keepalives_interval = 1; SET tcp_keepalives_count = 3", db))
            {
                await keepAlive.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await using var take = new NpgsqlCommand($"SELECT pg_try_advisory_lock({Key})", db);
            if (await take.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is true)
            {
                await using var probe = new NpgsqlCommand("SELECT current_setting('tcp_keepalives_idle')::int", db);
                var serverKeepAlive = TimeSpan.FromSeconds(Convert.ToInt32(await probe.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false),
                    System.Globalization.CultureInfo.InvariantCulture));
                LogLeading(db.ProcessID);
                return new LeaderTerm(db, Heartbeat, time, this) { ServerKeepAliveIdle = serverKeepAlive };
            }
        }
        catch
        {
            await db.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        await db.DisposeAsync().ConfigureAwait(false);
        return null;
    }

    /// <summary>Waits until this instance leads, asking every <see cref="Heartbeat"/>; a database not reachable is asked again.</summary>
    public async Task<LeaderTerm> AcquireAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                if (await TryAcquireAsync(cancellationToken).ConfigureAwait(false) is { } term)
                {
                    return term;
                }
            }
            catch (NpgsqlException e)
            {
                LogUnreachable(e.Message);
            }

            await Task.Delay(Heartbeat, time, cancellationToken).ConfigureAwait(false);
        }
    }

    internal void Lost(int backend, string why) => LogLost(backend, why);

    [LoggerMessage(Level = LogLevel.Information, Message = "This instance leads (PostgreSQL backend {Backend} holds the leader lock)")]
    private partial void LogLeading(int backend);

    [LoggerMessage(Level = LogLevel.Error, Message = "The leader lock is lost (backend {Backend}: {Why}): this instance stops leading at once")]
    private partial void LogLost(int backend, string why);

    [LoggerMessage(Level = LogLevel.Warning, Message = "PostgreSQL cannot be reached for the leader lock; asking again: {Failure}")]
    private partial void LogUnreachable(string failure);
}
