using FsBitrix.Bitrix24.Users;
using Microsoft.Extensions.Hosting;

namespace FsBitrix.Hosting;

/// <summary>Keeps the extension ↔ user snapshot fresh for the life of the host.</summary>
internal sealed class UserDirectoryService(Bitrix24UserDirectory directory) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => directory.RunAsync(stoppingToken);
}
