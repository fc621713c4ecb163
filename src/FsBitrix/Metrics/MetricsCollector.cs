using FsBitrix.Hosting;
using FsBitrix.Calls;
using FsBitrix.Configuration;
using FsBitrix.Core.Calls;
using FsBitrix.Esl.Inbound;
using FsBitrix.Outbox;
using FsBitrix.Tenants;
using Microsoft.Extensions.Hosting;

namespace FsBitrix.Metrics;

/// <summary>
/// Fills <see cref="ServiceMetrics"/>: what each delivered command says (counted as it happens), and what the parts
/// know of themselves — ESL state, calls followed, the outbox's lanes — read when Prometheus scrapes, so nothing
/// polls between scrapes.
/// </summary>
internal sealed class MetricsCollector(
    ServiceMetrics metrics,
    FreeSwitchNodes nodes,
    CallTracker tracker,
    IOutboxStore outbox,
    TenantPortals portals,
    Leadership.InstanceRole role,
    TimeProvider time) : IHostedService, Leadership.IRunsOnStandby
{
    private IDisposable? _delivered;

    /// <summary>How the metrics name the first FreeSWITCH node (its Esl:Nodes name, or its address).</summary>
    public string Node => nodes.Default.Name;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _delivered = portals.OnDelivered(Delivered);
        foreach (string name in portals.All.Select(p => p.Name))
        {
            // Present from the first scrape, at zero: a dashboard's rate() needs the series before the first event.
            metrics.Recordings.WithLabels(name, "attached").Publish();
            metrics.Recordings.WithLabels(name, "failed").Publish();
            metrics.CardLatency.WithLabels(name).Publish();
            metrics.OutboxRateLimitWaits.WithLabels(name).Publish();
            metrics.OutboxRateLimitWaited.WithLabels(name).Publish();
            metrics.BitrixRateLimitWaits.WithLabels(name).Publish();
            metrics.BitrixRateLimitWaited.WithLabels(name).Publish();
        }

        metrics.Registry.AddBeforeCollectCallback(ReadAsync);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _delivered?.Dispose();
        return Task.CompletedTask;
    }

    private void Delivered(string portal, OutboxEntry entry, DeliveryResult result)
    {
        string outcome = result switch
        {
            DeliveryResult.Done { Sent: false } => "dropped",
            DeliveryResult.Done => "delivered",
            DeliveryResult.Refused => "refused",
            DeliveryResult.Retry { OnlyWaiting: true } => "waiting",
            _ => "retry",
        };
        DateTimeOffset now = time.GetUtcNow();
        foreach (OutboxEntry unit in entry.Followers.Prepend(entry))
        {
            metrics.Commands.WithLabels(portal, unit.Command.GetType().Name, outcome).Inc();
            if (unit.Command is ShowCard && outcome == "delivered")
            {
                metrics.CardLatency.WithLabels(portal).Observe(Math.Max(0, (now - unit.CreatedAt).TotalSeconds));
            }
        }

        if (entry.Command is AttachRecording && outcome is "delivered" or "refused")
        {
            metrics.Recordings.WithLabels(portal, outcome == "delivered" ? "attached" : "failed").Inc();
        }
    }

    private async Task ReadAsync(CancellationToken cancellationToken)
    {
        foreach (FreeSwitchNode node in nodes.All)
        {
            EslConnectionState state = node.Client.State;
            metrics.EslConnected.WithLabels(node.Name).Set(state.IsConnected ? 1 : 0);
            metrics.EslConnections.WithLabels(node.Name).IncTo(state.Epoch);
            metrics.EslReconnects.WithLabels(node.Name).IncTo(Math.Max(0, state.Epoch - 1));
            metrics.EslEvents.WithLabels(node.Name).IncTo(node.Client.Statistics.EventsDelivered);
            metrics.EslBackpressureWaits.WithLabels(node.Name).IncTo(node.Client.Statistics.EventsDelayedByBackpressure);
        }

        metrics.CallsActive.Set(tracker.ActiveCalls);
        metrics.Leader.Set(role.IsLeading ? 1 : 0);

        DateTimeOffset now = time.GetUtcNow();
        foreach (TenantPortal portal in portals.All)
        {
            IReadOnlyList<LaneBacklog> backlog = await outbox.LanesAsync(portal.Key, cancellationToken).ConfigureAwait(false);
            foreach (Lane lane in Enum.GetValues<Lane>())
            {
                LaneBacklog? waiting = backlog.FirstOrDefault(l => l.Lane == lane);
                string laneName = lane.ToString().ToLowerInvariant();
                metrics.OutboxCommands.WithLabels(portal.Name, laneName).Set(waiting?.Waiting ?? 0);
                metrics.OutboxOldestAge.WithLabels(portal.Name, laneName).Set(waiting is null ? 0 : Math.Max(0, (now - waiting.Oldest).TotalSeconds));
            }

            metrics.OutboxRateLimitWaits.WithLabels(portal.Name).IncTo(portal.Dispatcher.BudgetWaits);
            metrics.OutboxRateLimitWaited.WithLabels(portal.Name).IncTo(portal.Dispatcher.BudgetWaited.TotalSeconds);
        }
    }
}
