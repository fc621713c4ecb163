using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FsBitrix.Outbox;

/// <summary>
/// Once an hour (and at start), deletes delivered commands and ended calls older than <c>Storage:KeepDeliveredFor</c>,
/// so the database of a busy PBX stays the size of its recent history instead of growing for ever.
/// </summary>
internal sealed partial class OutboxHousekeeping(IOutboxStore store, Recordings.IRecordingLinkStore links, TimeSpan keep, TimeProvider time,
    ILogger<OutboxHousekeeping> logger)
    : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        do
        {
            try
            {
                int deleted = await store.PruneAsync(time.GetUtcNow() - keep, stoppingToken).ConfigureAwait(false)
                    + await links.PruneAsync(stoppingToken).ConfigureAwait(false);
                if (deleted > 0)
                {
                    LogPruned(deleted, keep.TotalDays);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Nothing is lost by skipping a round: the next one deletes the same rows.
                LogPruneFailed(ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted {Rows} delivered command(s), ended call(s) and expired link(s) older than {Days:0.#} days")]
    private partial void LogPruned(int rows, double days);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cleaning old rows from the database failed; trying again in an hour")]
    private partial void LogPruneFailed(Exception exception);
}
