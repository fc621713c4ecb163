using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FsBitrix.AppMode;

/// <summary>
/// Several instances on one PostgreSQL: Bitrix24's install call may reach a standby, which stores the tokens in the
/// shared database. The leader looks there every <see cref="Interval"/> for each portal whose application it cannot
/// call (not installed, or refused), and takes the stored tokens when they are new: the portal's calls then flow
/// without waiting for a takeover. A portal it can call is left alone (its own renewals are the ones stored).
/// </summary>
internal sealed partial class SharedInstallationWatch(AppInstallations installations, TimeProvider time, ILogger<SharedInstallationWatch> logger)
    : BackgroundService
{
    public static TimeSpan Interval { get; } = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            await Task.Delay(Interval, time, stoppingToken).ConfigureAwait(false);
            foreach (AppInstallation installation in installations.All.Where(a => !a.Auth.State.CanCall))
            {
                try
                {
                    await installation.Auth.ReloadAsync(stoppingToken).ConfigureAwait(false);
                    if (installation.Auth.State.CanCall)
                    {
                        LogTaken(installation.Tenant.Length == 0 ? "the default portal" : installation.Tenant);
                    }
                }
                catch (System.Data.Common.DbException e)
                {
                    LogUnreadable(e.Message);
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "The local application of {Portal} was installed through another instance: its calls go now")]
    private partial void LogTaken(string portal);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The stored installations cannot be read; asking again: {Failure}")]
    private partial void LogUnreadable(string failure);
}
