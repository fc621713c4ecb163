using FsBitrix.Calls;
using FsBitrix.Core.Calls;
using Microsoft.Extensions.Hosting;

namespace FsBitrix.Recordings;

/// <summary>
/// Starts a recording's MP3 as soon as the call tracker has written its <see cref="AttachRecording"/>, so that it is
/// usually ready when the outbox gets to it (after the call's finish). Its own part: the encoder is needed by the
/// outbox's delivery, which the tracker needs, so the encoder cannot need the tracker.
/// </summary>
internal sealed class RecordingEncodeStarter(CallTracker tracker, RecordingEncoder encoder) : IHostedService, IDisposable
{
    private IDisposable? _subscription;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _subscription = tracker.Steps.Subscribe(step =>
        {
            foreach (AttachRecording record in step.Commands.OfType<AttachRecording>().Where(r => RecordingEncoder.Encodes(r.FilePath)))
            {
                encoder.Start(record.FilePath);
            }
        });
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose() => _subscription?.Dispose();
}
