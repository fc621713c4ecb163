using FsBitrix.AppMode;
using FsBitrix.Configuration;
using FsBitrix.Outbox;
using FsBitrix.Recordings;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FsBitrix.Hosting;

/// <summary>
/// What must be read from disk before any part can be built: the outbox's database, the recording links' key, an
/// app-mode installation. Done asynchronously once the container exists and before the host starts
/// (<see cref="FsBitrixApp.CreateAsync"/>), so that no factory blocks on I/O.
/// </summary>
internal sealed class ServiceStartup(StorageSettings storage, FsBitrix.Cdr.CdrSettings cdr, TimeProvider time, ILogger<WalCheckpointer> checkpointLogger)
{
    private IOutboxStore? _store;
    private IRecordingLinkStore? _links;
    private byte[]? _recordingKey;

    public IOutboxStore Store => _store ?? throw NotYet();

    public IRecordingLinkStore RecordingLinks => _links ?? throw NotYet();

    public byte[] RecordingKey => _recordingKey ?? throw NotYet();

    public async Task OpenAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        _store = await SqliteOutboxStore.OpenAsync(storage.Path, time, cancellationToken, checkpointLogger).ConfigureAwait(false);

        // With CDRs read, a finish whose end was guessed waits for them (Cdr/README.md).
        _store.EstimatedFinishWait = cdr.Enabled ? cdr.GapWait : TimeSpan.Zero;
        _links = RecordingLinkStore.Open(storage.Path, time);
        _recordingKey = await _links.KeyAsync(cancellationToken).ConfigureAwait(false);

        // App mode: the event guards and the health page read the installations synchronously from the first request.
        foreach (AppInstallation installation in services.GetService<AppInstallations>()?.All ?? [])
        {
            await installation.Auth.LoadAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static InvalidOperationException NotYet() =>
        new("the service's storage is opened by FsBitrixApp.CreateAsync before the host starts");
}
