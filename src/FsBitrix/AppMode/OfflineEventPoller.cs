using System.Text.Json;
using FsBitrix.Bitrix24;
using FsBitrix.Bitrix24.Auth;
using FsBitrix.Bitrix24.Errors;
using FsBitrix.Bitrix24.Events;
using FsBitrix.ClickToCall;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FsBitrix.AppMode;

/// <summary>
/// <c>Bitrix:Events=offline</c>: asks <c>event.offline.get</c> every <c>Bitrix:OfflinePollInterval</c> for the
/// click-to-call events Bitrix24 queued, so no port needs to be open to the internet. The portal deletes what it
/// hands out (<c>clear=1</c>), so each event is taken once; it enters the same click-to-call path as a posted one.
/// Nothing is asked while the application is not installed or its tokens were refused.
/// </summary>
/// <param name="client">The portal's client, authorised by <paramref name="installation"/>; its clicks are its company's.</param>
internal sealed partial class OfflineEventPoller(
    AppInstallation installation,
    Bitrix24Client client,
    ClickIntake intake,
    TimeProvider time,
    ILogger<OfflineEventPoller> logger) : BackgroundService
{
    private const int Batch = 50;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        OAuthAuth auth = installation.Auth;
        while (!stoppingToken.IsCancellationRequested)
        {
            int taken = 0;
            try
            {
                await auth.LoadAsync(stoppingToken).ConfigureAwait(false);
                taken = auth.State.CanCall ? await PollOnceAsync(stoppingToken).ConfigureAwait(false) : 0;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Bitrix24Exception e)
            {
                LogPollFailed(installation.Name, e.Message);
            }

            // A full batch means more are waiting: take them now rather than an interval later.
            if (taken < Batch)
            {
                try
                {
                    await Task.Delay(installation.Settings.OfflinePollInterval, time, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    return;
                }
            }
        }
    }

    private async Task<int> PollOnceAsync(CancellationToken cancellationToken)
    {
        IReadOnlyList<OfflineEvent> events = await client.TakeOfflineEventsAsync(Batch, cancellationToken).ConfigureAwait(false);
        foreach (OfflineEvent offline in events)
        {
            if (!BitrixCallEvent.TryRead(Fields(offline), out BitrixCallEvent? e, out string invalid))
            {
                LogSkipped(offline.EventName, offline.Id, invalid);
                continue;
            }

            // The portal has already deleted it: from here on only our own record keeps it.
            await intake.AcceptAsync(e! with { Tenant = installation.Tenant }, "offline", CancellationToken.None).ConfigureAwait(false);
        }

        return events.Count;
    }

    /// <summary>The event as the fields an online post would have: <c>event</c> and <c>data[…]</c>, values as form strings.</summary>
    internal static Dictionary<string, string> Fields(OfflineEvent offline)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal) { ["event"] = offline.EventName };
        if (offline.Data.ValueKind != JsonValueKind.Object)
        {
            return fields;
        }

        foreach (JsonProperty p in offline.Data.EnumerateObject())
        {
            string? value = p.Value.ValueKind switch
            {
                JsonValueKind.String => p.Value.GetString(),
                JsonValueKind.Number => p.Value.GetRawText(),
                JsonValueKind.True => "1",
                JsonValueKind.False => string.Empty,
                _ => null,
            };
            if (value is not null)
            {
                fields[$"data[{p.Name}]"] = value;
            }
        }

        return fields;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Asking the {Portal} portal for offline events failed; asking again in the next interval: {Failure}")]
    private partial void LogPollFailed(string portal, string failure);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Offline event {Event} #{Id} skipped: {Reason}")]
    private partial void LogSkipped(string @event, string id, string reason);
}
