using FsBitrix.Outbox;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FsBitrix.Tenants;

/// <summary>
/// At start-up: commands filed under a company that <c>FsBitrix:Tenants</c> no longer names have no dispatcher and
/// would wait for ever. Said once, loudly, with what to do; nothing is deleted.
/// </summary>
internal sealed partial class OrphanedCommands(IOutboxStore store, TenantPortals portals, ILogger<OrphanedCommands> logger) : IHostedService
{
    /// <summary>The companies found without a portal at start, with their waiting commands (health, tests).</summary>
    public IReadOnlyList<(string Tenant, long Pending)> Found { get; private set; } = [];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        Found = [.. (await store.PendingByTenantAsync(cancellationToken).ConfigureAwait(false)).Where(t => portals.Find(t.Tenant) is null)];
        foreach ((string tenant, long pending) in Found)
        {
            LogOrphaned(pending, tenant);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Error,
        Message = "{Pending} command(s) of company '{Tenant}' wait in the outbox, but FsBitrix:Tenants no longer names it: they are not sent until it is configured again")]
    private partial void LogOrphaned(long pending, string tenant);
}
