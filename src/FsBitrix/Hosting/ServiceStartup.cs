using FsBitrix.AppMode;
using FsBitrix.Configuration;
using FsBitrix.Outbox;
using FsBitrix.Recordings;
using FsBitrix.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FsBitrix.Hosting;

/// <summary>
/// What must be read from disk before any part can be built: the outbox's database, the recording links' key, an
/// app-mode installation. Done asynchronously once the container exists and before the host starts
/// (<see cref="FsBitrixApp.CreateAsync"/>), so that no factory blocks on I/O.
/// </summary>
internal sealed class ServiceStartup(StorageSettings storage, FsBitrix.Cdr.CdrSettings cdr, TimeProvider time, ILogger<WalCheckpointer> checkpointLogger) : IAsyncDisposable
{
    private ServiceStorage? _storage;
    private byte[]? _recordingKey;

    /// <summary>The database and every feature's store on it (SQLite or PostgreSQL: <c>Storage:Provider</c>).</summary>
    public ServiceStorage Storage => _storage ?? throw NotYet();

    public IOutboxStore Store => Storage.Outbox;

    public IRecordingLinkStore RecordingLinks => Storage.RecordingLinks;

    public byte[] RecordingKey => _recordingKey ?? throw NotYet();

    public async Task OpenAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        _storage = await ServiceStorage.OpenAsync(storage, time, cancellationToken, checkpointLogger).ConfigureAwait(false);

        // With CDRs read, a finish whose end was guessed waits for them (Cdr/README.md).
        _storage.Outbox.EstimatedFinishWait = cdr.Enabled ? cdr.GapWait : TimeSpan.Zero;
        _recordingKey = await _storage.RecordingLinks.KeyAsync(cancellationToken).ConfigureAwait(false);

        // App mode: the event guards and the health page read the installations synchronously from the first request.
        foreach (AppInstallation installation in services.GetService<AppInstallations>()?.All ?? [])
        {
            await installation.Auth.LoadAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public ValueTask DisposeAsync() => _storage?.DisposeAsync() ?? ValueTask.CompletedTask;

    private static InvalidOperationException NotYet() =>
        new("the service's storage is opened by FsBitrixApp.CreateAsync before the host starts");
}
