using FsBitrix.Bitrix24.Users;
using FsBitrix.Outbox;
using Microsoft.Extensions.Hosting;

namespace FsBitrix.Hosting;

/// <summary>
/// Keeps the extension ↔ user snapshot fresh for the life of the host. When Bitrix24 becomes reachable again (an
/// app install), it is read at once: cards wait for it, and the next periodic read may be minutes away.
/// </summary>
internal sealed class UserDirectoryService(Bitrix24UserDirectory directory, IDeliveryGate gate) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        void Opened() => _ = directory.RefreshAsync(stoppingToken);
        gate.Opened += Opened;
        try
        {
            await directory.RunAsync(stoppingToken).ConfigureAwait(false);
        }
        finally
        {
            gate.Opened -= Opened;
        }
    }
}
