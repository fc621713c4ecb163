using FsBitrix.Hosting;
using FsBitrix.Calls;
using FsBitrix.Configuration;
using FsBitrix.Core.Calls;
using FsBitrix.Esl.Inbound;
using FsBitrix.Logging;
using FsBitrix.Outbox;
using FsBitrix.Tenants;

namespace FsBitrix.Status;

/// <summary>
/// What the status page shows, read from the parts at the moment it asks: the FreeSWITCH node, live calls with who
/// sees the card, each portal's outbox lanes with the oldest waiting command, and the last Bitrix24 errors.
/// Clients' numbers are masked as in the log (<see cref="PersonalData"/>).
/// </summary>
internal sealed class StatusSnapshot(
    FreeSwitchNodes freeSwitch,
    CallTracker tracker,
    LiveCalls calls,
    RecentErrors errors,
    IOutboxStore outbox,
    TenantPortals portals,
    Leadership.InstanceRole role,
    TimeProvider time)
{
    public async Task<object> ReadAsync(CancellationToken cancellationToken)
    {
        DateTimeOffset now = time.GetUtcNow();
        bool connected = freeSwitch.All.All(n => n.Client.State.IsConnected);
        var outboxes = new List<object>();
        foreach (TenantPortal portal in portals.All)
        {
            IReadOnlyList<LaneBacklog> lanes = await outbox.LanesAsync(portal.Key, cancellationToken).ConfigureAwait(false);
            IReadOnlyList<WaitingCommand> oldest = await outbox.OldestWaitingAsync(portal.Key, cancellationToken).ConfigureAwait(false);
            outboxes.Add(new
            {
                portal = portal.Name,
                delivered = portal.Dispatcher.Delivered,
                lastSuccess = portal.Dispatcher.LastSuccess,
                lanes = Enum.GetValues<Lane>().Select(lane =>
                {
                    LaneBacklog? backlog = lanes.FirstOrDefault(l => l.Lane == lane);
                    WaitingCommand? head = oldest.FirstOrDefault(o => o.Lane == lane);
                    return new
                    {
                        lane = lane.ToString().ToLowerInvariant(),
                        waiting = backlog?.Waiting ?? 0,
                        oldest = head is null ? null : new
                        {
                            command = head.Kind,
                            call = head.CallKey,
                            ageSeconds = Math.Round(Math.Max(0, (now - head.CreatedAt).TotalSeconds), 1),
                            attempts = head.Attempts,
                            lastError = head.LastError,
                            nextTry = head.NotBefore > now ? head.NotBefore : (DateTimeOffset?)null,
                        },
                    };
                }),
            });
        }

        return new
        {
            now,
            startedAt = calls.StartedAt,
            // A standby follows no node (several instances on one PostgreSQL): that is its normal state.
            status = role.Shared && !role.IsLeading ? "standby" : connected && tracker.OutboxWriteProblem is null ? "ok" : "degraded",
            role = role.Role,
            nodes = freeSwitch.All.Select(n => n.Report()),
            writeProblem = tracker.OutboxWriteProblem?.Error,
            calls = calls.Snapshot().Select(c => new
            {
                call = c.CallKey,
                kind = c.Kind.ToString(),
                client = c.PhoneNumber is null ? null : PersonalData.Mask(c.PhoneNumber),
                line = c.LineNumber,
                queue = c.Queue,
                startedAt = c.StartedAt,
                talking = c.CurrentAgent,
                cardsShownTo = c.CardsShownTo,
                ringing = c.Legs.Where(l => l.Role == LegRole.Agent && !l.Answered && !l.Ended).Select(l => l.Extension).ToList(),
                portal = portals.All.Count > 1 ? portals.Get(portals.TenantOf(c)).Name : null,

                // Several FreeSWITCH nodes: the one the call lives on (null with one node).
                node = c.Node,
            }),
            outbox = outboxes,
            errors = errors.Snapshot(),
        };
    }
}
