using Npgsql;

namespace FsBitrix.Storage;

/// <summary>
/// One instance's time as leader: the lock's connection, checked every heartbeat. <see cref="Lost"/> is cancelled
/// when the check fails (the connection ended, so PostgreSQL has already given the lock to whoever asks next);
/// disposing gives the lock up.
/// </summary>
internal sealed class LeaderTerm : IAsyncDisposable
{
    private readonly NpgsqlConnection _db;
    private readonly CancellationTokenSource _lost = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _watch;

    internal LeaderTerm(NpgsqlConnection db, TimeSpan heartbeat, TimeProvider time, LeaderLock owner)
    {
        _db = db;
        Backend = db.ProcessID;
        _watch = WatchAsync(heartbeat, time, owner);
    }

    /// <summary>The PostgreSQL backend holding the lock (what <c>pg_terminate_backend</c> would end).</summary>
    public int Backend { get; }

    /// <summary>
    /// After how long a silent connection is probed by the server (its <c>tcp_keepalives_idle</c>, as it reports it;
    /// zero on a Unix socket): how soon a lost leader host frees the lock.
    /// </summary>
    public TimeSpan ServerKeepAliveIdle { get; init; }

    /// <summary>
    /// Cancelled once the lock may be another instance's (the connection ended, or its check did not answer within
    /// three heartbeats): stop every write and request at once, and dispose the term so the lock is surely free.
    /// </summary>
    public CancellationToken Lost => _lost.Token;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _watch.ConfigureAwait(false);
        await _db.DisposeAsync().ConfigureAwait(false);
        _stop.Dispose();
        _lost.Dispose();
    }

    private async Task WatchAsync(TimeSpan heartbeat, TimeProvider time, LeaderLock owner)
    {
        try
        {
            while (true)
            {
                await Task.Delay(heartbeat, time, _stop.Token).ConfigureAwait(false);
                // Bounded: across a silent network partition the check would otherwise wait for TCP to give up. A
                // database merely slow past it also ends the term — the safe side: the service lets go, another leads.
                await using var check = new NpgsqlCommand("SELECT 1", _db)
                {
                    CommandTimeout = Math.Max(1, (int)Math.Ceiling(heartbeat.TotalSeconds * 3)),
                };
                await check.ExecuteScalarAsync(_stop.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // Given up on purpose.
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException or IOException)
        {
            owner.Lost(Backend, e.Message);
            await _lost.CancelAsync().ConfigureAwait(false);
        }
    }
}
