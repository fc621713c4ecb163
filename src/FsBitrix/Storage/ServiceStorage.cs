using FsBitrix.AppMode;
using FsBitrix.Cdr;
using FsBitrix.ClickToCall;
using FsBitrix.Configuration;
using FsBitrix.Outbox;
using FsBitrix.Recordings;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace FsBitrix.Storage;

/// <summary>
/// The service's database, opened once (its schema migrated first), and every feature's store on it: the outbox with
/// the calls' states, the recording links, the handled click events, the CDR inbox, the local-application
/// installations. <c>Storage:Provider</c> picks SQLite (one box: <c>Storage:Path</c>, the default) or PostgreSQL
/// (several instances: <c>Storage:ConnectionString</c>, docs/SCALING.md); no feature knows which.
/// </summary>
internal sealed class ServiceStorage : IAsyncDisposable
{
    private readonly string? _sqlitePath;
    private readonly TimeProvider _time;
    private int _disposed;

    private ServiceStorage(IOutboxStore outbox, IRecordingLinkStore links, string? sqlitePath, NpgsqlDataSource? postgres,
        string? connectionString, TimeProvider time)
    {
        Outbox = outbox;
        RecordingLinks = links;
        _sqlitePath = sqlitePath;
        Postgres = postgres;
        ConnectionString = connectionString;
        _time = time;
    }

    public IOutboxStore Outbox { get; }

    /// <summary>The calls' states: the outbox's own store (a step's commands and its call's state are one transaction).</summary>
    public ICallStates CallStates => (ICallStates)Outbox;

    public IRecordingLinkStore RecordingLinks { get; }

    /// <summary>Set on PostgreSQL: the pooled connections every store shares.</summary>
    public NpgsqlDataSource? Postgres { get; }

    /// <summary>Set on PostgreSQL: what the leader lock opens its own connection with.</summary>
    public string? ConnectionString { get; }

    /// <summary>Several instances may share this database (PostgreSQL): one leads at a time.</summary>
    public bool IsShared => Postgres is not null;

    /// <exception cref="Storage.DatabaseTooNewException">The database was written by a newer FsBitrix.</exception>
    public static async Task<ServiceStorage> OpenAsync(StorageSettings settings, TimeProvider time, CancellationToken cancellationToken,
        ILogger<WalCheckpointer>? checkpointLogger = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.IsPostgres)
        {
            NpgsqlDataSource dataSource = await PostgresDatabase.OpenAsync(settings.ConnectionString!, cancellationToken).ConfigureAwait(false);
            return new ServiceStorage(new PostgresOutboxStore(dataSource, time), new PostgresRecordingLinkStore(dataSource, time), null,
                dataSource, settings.ConnectionString, time);
        }

        // The outbox first: it creates the file readable by the service user only, and migrates it.
        SqliteOutboxStore outbox = await SqliteOutboxStore.OpenAsync(settings.Path, time, cancellationToken,
            checkpointLogger ?? NullLogger<WalCheckpointer>.Instance).ConfigureAwait(false);
        return new ServiceStorage(outbox, RecordingLinkStore.Open(settings.Path, time), settings.Path, null, null, time);
    }

    public IHandledEvents HandledEvents(TimeSpan memory) => Postgres is { } pg
        ? new PostgresHandledEvents(pg, _time, memory)
        : ClickToCall.HandledEvents.Open(_sqlitePath!, _time, memory);

    public ICdrInbox CdrInbox() => Postgres is { } pg ? new PostgresCdrInbox(pg) : Cdr.CdrInbox.Open(_sqlitePath!);

    /// <param name="tenant">The company (empty: the default portal).</param>
    public IInstallationStore Installation(string tenant) => Postgres is { } pg
        ? new PostgresInstallationStore(pg, _time, tenant)
        : new InstallationStore(_sqlitePath!, _time, tenant);

    // Disposed by the service's startup and by the container that handed it out: the second is a no-op.
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await Outbox.DisposeAsync().ConfigureAwait(false);
        await RecordingLinks.DisposeAsync().ConfigureAwait(false);
        if (Postgres is not null)
        {
            await Postgres.DisposeAsync().ConfigureAwait(false);
        }
    }
}
