using FsBitrix.AppMode;
using FsBitrix.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FsBitrix.Leadership;

/// <summary>
/// On a shared PostgreSQL, the service's hosted services in one place: those marked <see cref="IRunsOnStandby"/> start
/// with the host; the others (call tracking, delivery, click-to-call, queues, CDRs…) once this instance holds the
/// leader lock. Taking over is the restart path a single box already proves: the new leader reads the current tokens,
/// then its services start as after a restart — live calls restored, every node's channels reconciled, click attempts
/// recovered, calls ended in the gap corrected from their CDRs. A leader that loses the lock (its connection ended:
/// the database restarted, or it was cut off) stops at once: <see cref="InstanceRole.Lost"/>, the host stops, and the
/// service starts again as a standby.
/// </summary>
internal sealed partial class LeaderOnlyServices(
    IReadOnlyList<IHostedService> services,
    InstanceRole leadership,
    LeaderLock leaderLock,
    IServiceProvider provider,
    IHostApplicationLifetime lifetime,
    ILogger<LeaderOnlyServices> logger) : IHostedService, IAsyncDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<IHostedService> _started = [];
    private readonly SemaphoreSlim _gate = new(1, 1);
    private Task _leading = Task.CompletedTask;
    private LeaderTerm? _term;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (IHostedService standby in services.Where(s => s is IRunsOnStandby))
        {
            await StartOneAsync(standby, cancellationToken).ConfigureAwait(false);
        }

        _leading = LeadAsync(_stopping.Token);
    }

    private async Task LeadAsync(CancellationToken stopping)
    {
        try
        {
            LogStandby();
            _term = await leaderLock.AcquireAsync(stopping).ConfigureAwait(false);

            // The tokens the previous leader renewed last (a refresh token works once).
            foreach (AppInstallation installation in provider.GetService<AppInstallations>()?.All ?? [])
            {
                await installation.Auth.ReloadAsync(stopping).ConfigureAwait(false);
            }

            // Connections pooled while standing by may have died with a database restart: the leader starts on new ones.
            provider.GetService<ServiceStorage>()?.Postgres?.Clear();
            leadership.Lead();
            foreach (IHostedService leaderOnly in services.Where(s => s is not IRunsOnStandby))
            {
                await StartOneAsync(leaderOnly, stopping).ConfigureAwait(false);
            }

            LogLeading(services.Count(s => s is not IRunsOnStandby));
            if (await FirstFailureAsync(_term.Lost, stopping).ConfigureAwait(false) is { } failure)
            {
                // What the host does for a background service of its own (StopHost): here the other instance leads on.
                leadership.LoseLead();
                LogFailed(failure);
                lifetime.StopApplication();
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // The host stops.
        }
        catch (OperationCanceledException) when (_term?.Lost.IsCancellationRequested == true)
        {
            // Fencing: nothing of the leader's may write on once another instance may lead.
            leadership.LoseLead();
            LogLost();
            lifetime.StopApplication();
        }
#pragma warning disable CA1031 // becoming leader failed (the database went away while the calls were restored): start over as a standby
        catch (Exception ex) when (!stopping.IsCancellationRequested)
#pragma warning restore CA1031
        {
            leadership.LoseLead();
            LogFailed(ex);
            lifetime.StopApplication();
        }
    }

    // Until the term is lost (throws) or the host stops (throws): a leader-only background service that failed, which
    // the host does not see (it did not start it). One that simply ended is let be.
    private async Task<Exception?> FirstFailureAsync(CancellationToken lost, CancellationToken stopping)
    {
        List<Task> watched = [Task.Delay(Timeout.Infinite, lost), .. _started.OfType<BackgroundService>().Select(s => s.ExecuteTask).OfType<Task>()];
        while (true)
        {
            Task ended = await Task.WhenAny(watched).WaitAsync(stopping).ConfigureAwait(false);
            if (ended == watched[0])
            {
                await ended.ConfigureAwait(false);
            }

            if (ended.IsFaulted)
            {
                return ended.Exception!.GetBaseException();
            }

            watched.Remove(ended);
        }
    }

    private async Task StartOneAsync(IHostedService service, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await service.StartAsync(cancellationToken).ConfigureAwait(false);
            _started.Add(service);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _leading.ConfigureAwait(false);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // The reverse of the start, as the host does.
            for (int i = _started.Count - 1; i >= 0; i--)
            {
                await _started[i].StopAsync(cancellationToken).ConfigureAwait(false);
            }

            _started.Clear();
        }
        finally
        {
            _gate.Release();
        }

        if (_term is not null)
        {
            await _term.DisposeAsync().ConfigureAwait(false);
            _term = null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_term is not null)
        {
            await _term.DisposeAsync().ConfigureAwait(false);
        }

        _stopping.Dispose();
        _gate.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Standby: serving HTTP, waiting for the leader lock to follow FreeSWITCH and talk to Bitrix24")]
    private partial void LogStandby();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Leading now: {Count} services started (calls restored, nodes reconciled, clicks recovered)")]
    private partial void LogLeading(int count);

    [LoggerMessage(Level = LogLevel.Critical, Message = "A leader's service failed: stopping, so that another instance leads; this one starts again as a standby")]
    private partial void LogFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "The leader lock is lost: stopping at once; the service starts again as a standby")]
    private partial void LogLost();
}
