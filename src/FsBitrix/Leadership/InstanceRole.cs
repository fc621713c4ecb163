namespace FsBitrix.Leadership;

/// <summary>
/// Whether this instance does the work only one instance may do at a time (follow FreeSWITCH, talk to Bitrix24,
/// originate, import CDRs). On one box (SQLite) it always does; on a shared PostgreSQL only while it holds the leader
/// lock (<see cref="LeaderOnlyServices"/>, docs/SCALING.md).
/// </summary>
internal sealed class InstanceRole
{
    private volatile bool _leading;
    private volatile bool _lost;

    public InstanceRole(bool shared)
    {
        Shared = shared;
        _leading = !shared;
    }

    /// <summary>Several instances share the database: leading is taken, not given.</summary>
    public bool Shared { get; }

    public bool IsLeading => _leading;

    /// <summary>This instance led and lost the lock: it stopped, and starts again as a standby (<c>FsBitrixCommandLine</c>).</summary>
    public bool Lost => _lost;

    /// <summary>"leader", "standby" or "single" (one box), for /healthz and the status page.</summary>
    public string Role => !Shared ? "single" : _leading ? "leader" : "standby";

    internal void Lead() => _leading = true;

    internal void LoseLead()
    {
        _leading = false;
        _lost = true;
    }
}
