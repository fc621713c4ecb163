using FsBitrix.Bitrix24.Auth;
using FsBitrix.Bitrix24;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FsBitrix.AppMode;

/// <summary>
/// Puts the portal's event bindings and lines back as they should be at start-up and every
/// <c>Bitrix:BindingsCheckInterval</c>: an app update in Bitrix24 drops its bindings silently, and a switch of
/// <c>Bitrix:Events</c> must take the old kind away (its clicks would pile up in Bitrix24's offline queue or be posted
/// to an address that may be gone). Nothing is asked while the application is not installed or its tokens were
/// refused; the next install does it anyway.
/// </summary>
/// <param name="client">The portal's client, authorised by <paramref name="installation"/>.</param>
internal sealed partial class AppBindingsWatch(
    AppInstallation installation,
    Bitrix24Client client,
    TimeProvider time,
    ILogger<AppBindingsWatch> logger) : BackgroundService
{
    private int _runs;

    /// <summary>Raised after each round with the number of rounds so far (the start-up one is 1).</summary>
    public event Action<int>? Checked;

    public int Runs => Volatile.Read(ref _runs);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        OAuthAuth auth = installation.Auth;
        using var timer = new PeriodicTimer(installation.Settings.BindingsCheckInterval, time);
        do
        {
            try
            {
                await auth.LoadAsync(stoppingToken).ConfigureAwait(false);
                if (auth.State.CanCall)
                {
                    await installation.Setup.EnsureAsync(client, null, stoppingToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                // The watch must outlive one bad answer: the next round tries again.
                LogFailed(installation.Name, e.Message);
            }

            // Counted before telling: ?.Invoke would skip the increment when nobody listens.
            int round = Interlocked.Increment(ref _runs);
            Checked?.Invoke(round);
        }
        while (await Tick(timer, stoppingToken).ConfigureAwait(false));
    }

    private static async Task<bool> Tick(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Bitrix24 event bindings check of the {Portal} portal failed; tried again in the next round: {Failure}")]
    private partial void LogFailed(string portal, string failure);
}
