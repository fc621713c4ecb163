using FsBitrix.Core.Status;
using FsBitrix.Configuration;
using FsBitrix.Core.Calls;
using FsBitrix.Core.Cdr;
using FsBitrix.Core.Events;
using FsBitrix.Core.Routing;
using FsBitrix.Outbox;
using FsBitrix.Tenants;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FsBitrix.Cdr;

/// <summary>
/// Calls nobody was listening to (FsBitrix stopped, upgraded, crash-looping, or the socket down for the whole call)
/// reach Bitrix24 from FreeSWITCH's CDRs: legs come in (read from mod_xml_cdr's folders, or posted), wait for the rest
/// of their call, and a complete call that was not seen live goes through the same router and reducer as live events.
/// Its register, finish and recordings enter the outbox under the call's first leg, as a live call's would; cards do
/// not (the call is over). A call seen live (its first leg is a call of the outbox) is never imported.
/// </summary>
internal sealed partial class CdrImporter(
    CdrSettings settings,
    ICdrInbox inbox,
    IOutboxStore store,
    ICallStates states,
    CallReducer reducer,
    TenantPortals portals,
    TimeProvider time,
    ILogger<CdrImporter> logger) : BackgroundService
{
    private readonly CdrSettings _settings = settings;
    private readonly Dictionary<string, DateTime> _files = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IReadOnlyList<ChannelEvent>> _parsed = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _wake = new(0);

    /// <summary>Raised after each look at the folders and the waiting legs (tests await it).</summary>
    public event Action? Looked;

    /// <summary>
    /// Takes one leg's CDR. False when it is not a CDR (the reason is logged); a CDR beyond the horizon, or received
    /// before, is accepted and ignored.
    /// </summary>
    public bool Receive(string xml, string via) => Receive(xml, via, wake: true);

    private bool Receive(string xml, string via, bool wake)
    {
        IReadOnlyList<ChannelEvent> leg;
        try
        {
            leg = CdrLegEvents.Read(xml);
        }
        catch (CdrFormatException ex)
        {
            LogMalformed(via, ex.Message);
            return false;
        }

        DateTimeOffset now = time.GetUtcNow();
        if (leg[^1].Timestamp is { } ended && now - ended > _settings.Horizon)
        {
            LogTooOld(leg[0].UniqueId!, via);
            return true;
        }

        if (inbox.Add(leg[0].UniqueId!, xml, now) && wake)
        {
            _wake.Release();
        }

        return true;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                Scan(_settings.Folder, encoded: false);
                Scan(_settings.ErrFolder, encoded: true);
                await ImportReadyAsync(stoppingToken).ConfigureAwait(false);
                inbox.Prune(time.GetUtcNow() - _settings.Horizon - _settings.MaxWait);
                Looked?.Invoke();
            }
#pragma warning disable CA1031 // the CDRs stay where they are (folder, inbox): the next look tries again
            catch (Exception ex) when (ex is not OperationCanceledException)
#pragma warning restore CA1031
            {
                // A stopped importer would stop the host: log, and look again later.
                LogScanFailed(ex.Message);
            }

            // A posted leg wakes the loop; the folders are looked at every ScanInterval anyway. One look serves every
            // wake-up that came meanwhile.
            await _wake.WaitAsync(_settings.ScanInterval, stoppingToken).ConfigureAwait(false);
            while (_wake.CurrentCount > 0 && _wake.Wait(0))
            {
            }
        }
    }

    // mod_xml_cdr never deletes its files: each is read once per run, and a leg already received is ignored.
    private void Scan(string? folder, bool encoded)
    {
        if (folder is null || !Directory.Exists(folder))
        {
            return;
        }

        DateTime now = time.GetUtcNow().UtcDateTime;
        DateTime oldest = now - _settings.Horizon;
        foreach (FileInfo file in new DirectoryInfo(folder).EnumerateFiles("*.cdr.xml"))
        {
            // mod_xml_cdr may still be writing a file this young; one already taken is not read again.
            if (file.LastWriteTimeUtc < oldest || now - file.LastWriteTimeUtc < FileSettles || _files.ContainsKey(file.FullName))
            {
                continue;
            }

            try
            {
                string text = File.ReadAllText(file.FullName);
                Receive(encoded ? Uri.UnescapeDataString(text) : text, file.Name, wake: false);
                _files[file.FullName] = file.LastWriteTimeUtc;
            }
            catch (IOException ex)
            {
                // Gone (FusionPBX's importer deletes them) or unreadable now: the next look tries again.
                LogScanFailed(ex.Message);
            }
        }

        // Only files within the horizon can come again; older ones are skipped before this set is asked.
        foreach (string gone in _files.Where(f => f.Value < oldest).Select(f => f.Key).ToList())
        {
            _files.Remove(gone);
        }
    }

    private static readonly TimeSpan FileSettles = TimeSpan.FromSeconds(1);

    private async Task ImportReadyAsync(CancellationToken cancellationToken)
    {
        var legs = new List<CdrCalls.Leg>();
        foreach ((string uuid, string xml, DateTimeOffset receivedAt) in inbox.Waiting())
        {
            if (!_parsed.TryGetValue(uuid, out IReadOnlyList<ChannelEvent>? events))
            {
                try
                {
                    _parsed[uuid] = events = CdrLegEvents.Read(xml);
                }
                catch (CdrFormatException ex)
                {
                    // Checked when it came; a row written by another version may not read: set it aside, once.
                    LogMalformed(uuid, ex.Message);
                    inbox.Done([uuid], "malformed", time.GetUtcNow());
                    continue;
                }
            }

            legs.Add(new CdrCalls.Leg(uuid, events, receivedAt));
        }

        DateTimeOffset now = time.GetUtcNow();
        bool paused = false;
        foreach (CdrCalls.Call call in CdrCalls.Ready(legs, now, _settings.GroupWait, _settings.MaxWait).OrderBy(c => c.Began))
        {
            string[] uuids = [.. call.Legs.Select(l => l.Uuid)];
            if (call.PlacedByTheService)
            {
                inbox.Done(uuids, "placed by FsBitrix", now);
            }
            else if (await SeenLiveAsync(call, cancellationToken).ConfigureAwait(false) is { } liveKey)
            {
                // A CDR is posted before the hangup's events, and one of a call that ended in a gap may come before the
                // resync ends it: the call's end decides whether its finish was a guess the CDRs correct.
                if (await states.CallIsLiveAsync(liveKey, cancellationToken).ConfigureAwait(false))
                {
                    continue;
                }

                bool corrected = await CorrectAsync(call, liveKey, cancellationToken).ConfigureAwait(false);
                inbox.Done(uuids, corrected ? "corrected" : "seen live", now);
                if (corrected)
                {
                    portals.Appended(); // the corrected finish is due now
                }
            }
            else if (paused || await store.PendingCountAsync(cancellationToken).ConfigureAwait(false) >= _settings.ImportWhilePendingBelow)
            {
                // The outbox delivers in the order commands came: a backlog of imports (a backfill, a long crash loop)
                // would hold live calls' cards behind it. Imports wait for a short queue; the next look goes on.
                paused = true;
                continue;
            }
            else
            {
                await ImportAsync(call, cancellationToken).ConfigureAwait(false);
                inbox.Done(uuids, "imported", now);
            }

            foreach (string uuid in uuids)
            {
                _parsed.Remove(uuid);
            }
        }
    }

    /// <returns>The key the outbox knows the call by, or null when it was not seen live.</returns>
    private async Task<string?> SeenLiveAsync(CdrCalls.Call call, CancellationToken cancellationToken)
    {
        foreach (string uuid in call.FirstLegs)
        {
            if (await states.KnowsCallAsync(uuid, cancellationToken).ConfigureAwait(false))
            {
                return uuid;
            }
        }

        return null;
    }

    // A call seen live whose end fell in a gap holds its guessed finish: the CDRs' own finish of it gives the truth,
    // and a recording started in the gap (its RECORD_START never seen) is attached after it.
    private async Task<bool> CorrectAsync(CdrCalls.Call call, string liveKey, CancellationToken cancellationToken)
    {
        (CallState? state, List<CallCommand>? commands) = Reduce(call).GetValueOrDefault(liveKey);
        List<CallCommand> fromCdrs = commands ?? [];
        FinishCall? fromCdr = fromCdrs.OfType<FinishCall>().FirstOrDefault();
        if (fromCdr is null || !await store.CorrectFinishAsync(liveKey, fromCdr, cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        IReadOnlySet<string> known = await store.RecordingsOfAsync(liveKey, cancellationToken).ConfigureAwait(false);
        List<CallCommand> missed = [.. fromCdrs.OfType<AttachRecording>().Where(r => !known.Contains(r.FilePath))];
        if (missed.Count > 0)
        {
            await store.AppendAsync([new OutboxWrite(liveKey, missed, null, CallOver: true, portals.TenantOf(state!))], cancellationToken)
                .ConfigureAwait(false);
            portals.Appended();
        }

        LogCorrected(liveKey, fromCdr.Duration, CallStatusCodes.Of(fromCdr.Status));
        return true;
    }

    // The same rules as live events: route, reduce; what Bitrix24 keeps of a call that is over goes to the outbox.
    private async Task ImportAsync(CdrCalls.Call call, CancellationToken cancellationToken)
    {
        Dictionary<string, (CallState State, List<CallCommand> Commands)> reduced = Reduce(call);
        var writes = reduced.Where(c => c.Value.Commands.Count > 0)
            .Select(c => new OutboxWrite(c.Key, c.Value.Commands, null, CallOver: true, portals.TenantOf(c.Value.State))).ToList();
        if (writes.Count == 0)
        {
            return;
        }

        await store.AppendAsync(writes, cancellationToken).ConfigureAwait(false);
        portals.Appended();
        foreach (OutboxWrite write in writes)
        {
            LogImported(write.CallKey, write.Commands.Count);
        }
    }

    /// <summary>The call's legs through the router and reducer; per call key its last state and commands (no cards: it is over).</summary>
    private Dictionary<string, (CallState State, List<CallCommand> Commands)> Reduce(CdrCalls.Call call)
    {
        CallRouter router = CallRouter.Empty;
        var states = new Dictionary<string, CallState>(StringComparer.Ordinal);
        var commands = new Dictionary<string, List<CallCommand>>(StringComparer.Ordinal);
        foreach (ChannelEvent e in CdrLegEvents.Merge(call.Legs.Select(l => l.Events)))
        {
            (router, IReadOnlyList<RoutedEvent> routed) = router.RouteAll(e);
            foreach ((string key, ChannelEvent one) in routed)
            {
                (CallState next, IReadOnlyList<CallCommand> produced) = reducer.Reduce(states.GetValueOrDefault(key) ?? CallState.Start(key), one);
                states[key] = next;
                (commands.TryGetValue(key, out List<CallCommand>? list) ? list : commands[key] = []).AddRange(
                    produced.Where(c => c is not (ShowCard or HideCard)));
            }
        }

        return states.ToDictionary(s => s.Key, s => (s.Value, commands.GetValueOrDefault(s.Key) ?? []), StringComparer.Ordinal);
    }

    public override void Dispose()
    {
        _wake.Dispose();
        base.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Call {CallKey} was not seen live: sent from FreeSWITCH's CDRs ({Count} command(s))")]
    private partial void LogImported(string callKey, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Call {CallKey} ended unseen: its finish corrected from FreeSWITCH's CDRs ({Duration} s, status {Status})")]
    private partial void LogCorrected(string callKey, int duration, string status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "CDR from {Via} skipped: {Reason}")]
    private partial void LogMalformed(string via, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "CDR of leg {Leg} from {Via} is older than FsBitrix:Cdr:Horizon; not imported")]
    private partial void LogTooOld(string leg, string via);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading the CDRs failed ({Reason}); trying again")]
    private partial void LogScanFailed(string reason);
}
