using FsBitrix.Core.Calls;
using FsBitrix.Outbox;
using FsBitrix.Tenants;
using Microsoft.Extensions.Hosting;

namespace FsBitrix.Status;

/// <summary>The last Bitrix24 errors the outbox met, newest first, each with what to do (status page).</summary>
internal sealed class RecentErrors(TenantPortals portals, TimeProvider time) : IHostedService, Leadership.IRunsOnStandby
{
    public const int Kept = 20;

    private readonly LinkedList<RecentError> _errors = new();
    private IDisposable? _delivered;

    public IReadOnlyList<RecentError> Snapshot()
    {
        lock (_errors)
        {
            return [.. _errors];
        }
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _delivered = portals.OnDelivered(Seen);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _delivered?.Dispose();
        return Task.CompletedTask;
    }

    private void Seen(string portal, OutboxEntry entry, DeliveryResult result)
    {
        // A command that only waited behind another one's failure says nothing new.
        if (result is DeliveryResult.Done or DeliveryResult.Retry { CountsAsAttempt: false } && result.ErrorKind is null)
        {
            return;
        }

        var error = new RecentError(time.GetUtcNow(), portal, entry.Command.GetType().Name, entry.CallKey, result.Description,
            result is DeliveryResult.Refused, ErrorAdvice.For(result.ErrorKind, result.Description));
        lock (_errors)
        {
            _errors.AddFirst(error);
            if (_errors.Count > Kept)
            {
                _errors.RemoveLast();
            }
        }
    }
}

/// <param name="GaveUp">Refused for good (not sent again), rather than waiting to be sent again.</param>
internal sealed record RecentError(DateTimeOffset At, string Portal, string Command, string CallKey, string Error, bool GaveUp, string Advice);
