using FsBitrix.Bitrix24.Users;
using FsBitrix.Core.Queues;
using FsBitrix.Tenants;
using Microsoft.Extensions.Logging;

namespace FsBitrix.Queues;

/// <summary>
/// Every company's configured queues as the planner sees them now: a queue is looked up by the calling company and
/// its name (two companies may each have a "support"), <c>user:N</c> agents are read from that company's portal, and a
/// company's agents are its own extensions (<see cref="AgentAddress"/>).
/// </summary>
internal sealed partial class QueueCatalog(QueuesSettings queues, TenantsSettings tenants, TenantPortals portals, ILogger<QueueCatalog> logger)
{
    /// <summary>The company whose queues serve a call of this FreeSWITCH domain: its own, else the default company ("").</summary>
    public string CompanyOf(string? domain) =>
        domain?.ToLowerInvariant() is { Length: > 0 } key && tenants.Any(t => t.Key == key) ? key : string.Empty;

    public QueueSettings? Settings(string company, string? name) =>
        name is not null && QueuesOf(company) is { } queues && queues.TryGetValue(name, out QueueSettings? settings) ? settings : null;

    public QueueDefinition? Find(string company, string? name)
    {
        if (Settings(company, name) is not { } settings)
        {
            return null;
        }

        Bitrix24UserDirectory directory = (portals.Find(company) ?? portals.Default).Directory;
        string? domain = company.Length == 0 ? null : company;
        QueueDefinition queue = QueueConfiguration.Define(name!, settings,
            id => directory.TryGetExtension(id, out string extension) ? extension : null, out IReadOnlyList<string> unresolved, domain);
        if (unresolved.Count > 0)
        {
            LogUnresolved(queue.Key, string.Join(", ", unresolved));
        }

        return queue;
    }

    /// <summary>Where a company's <c>extension:</c> fallback transfers: <c>default</c>, or the company's context.</summary>
    public string ContextOf(string company) =>
        tenants.FirstOrDefault(t => t.Key == company) is { } tenant ? tenant.Context is { Length: > 0 } context ? context : tenant.Key : "default";

    private QueuesSettings? QueuesOf(string company) =>
        company.Length == 0 ? queues : tenants.FirstOrDefault(t => t.Key == company)?.Queues;

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Queue {Queue}: agents {Agents} have no extension in Bitrix24 (UF_PHONE_INNER) or FsBitrix:Users, so they are not rung")]
    private partial void LogUnresolved(string queue, string agents);
}
