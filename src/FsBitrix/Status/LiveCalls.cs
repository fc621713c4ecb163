using System.Collections.Concurrent;
using FsBitrix.Calls;
using FsBitrix.Core.Calls;
using Microsoft.Extensions.Hosting;

namespace FsBitrix.Status;

/// <summary>
/// The latest state of every call followed now, from the tracker's steps (what the status page lists). Started with
/// the host, before call tracking, so that no call's first steps pass unseen.
/// </summary>
internal sealed class LiveCalls(CallTracker tracker, TimeProvider time) : IHostedService, IDisposable, Leadership.IRunsOnStandby
{
    private readonly ConcurrentDictionary<string, CallState> _calls = new(StringComparer.Ordinal);
    private IDisposable? _subscription;

    /// <summary>When the service started (this started with it).</summary>
    public DateTimeOffset StartedAt { get; private set; }

    /// <summary>Oldest first.</summary>
    public IReadOnlyList<CallState> Snapshot() => [.. _calls.Values.OrderBy(c => c.StartedAt ?? DateTimeOffset.MaxValue)];

    public Task StartAsync(CancellationToken cancellationToken)
    {
        StartedAt = time.GetUtcNow();
        _subscription = tracker.Steps.Subscribe(Seen);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose() => _subscription?.Dispose();

    private void Seen(CallStep step)
    {
        if (step.Flushed is not null)
        {
            return;
        }

        if (step.State.Finished || step.State.IsOver || step.State.Silent)
        {
            _calls.TryRemove(step.CallKey, out _);
        }
        else
        {
            _calls[step.CallKey] = step.State;
        }
    }
}
