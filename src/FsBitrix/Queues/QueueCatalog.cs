using FsBitrix.Bitrix24.Users;
using FsBitrix.Configuration;
using FsBitrix.Core.Queues;
using Microsoft.Extensions.Logging;

namespace FsBitrix.Queues;

/// <summary>The configured queues as the planner sees them now, with <c>user:N</c> agents at their current extensions.</summary>
internal sealed partial class QueueCatalog(FsBitrixOptions options, Bitrix24UserDirectory directory, ILogger<QueueCatalog> logger)
{
    public QueueSettings? Settings(string? name) =>
        name is not null && options.Queues.TryGetValue(name, out QueueSettings? settings) ? settings : null;

    public QueueDefinition? Find(string? name)
    {
        if (Settings(name) is not { } settings)
        {
            return null;
        }

        QueueDefinition queue = QueueConfiguration.Define(name!, settings,
            id => directory.TryGetExtension(id, out string extension) ? extension : null, out IReadOnlyList<string> unresolved);
        if (unresolved.Count > 0)
        {
            LogUnresolved(name!, string.Join(", ", unresolved));
        }

        return queue;
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Queue {Queue}: agents {Agents} have no extension in Bitrix24 (UF_PHONE_INNER) or FsBitrix:Users, so they are not rung")]
    private partial void LogUnresolved(string queue, string agents);
}
