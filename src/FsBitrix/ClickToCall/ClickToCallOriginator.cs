using FsBitrix.Bitrix24;
using FsBitrix.Bitrix24.Errors;
using FsBitrix.Bitrix24.Telephony;
using FsBitrix.Bitrix24.Users;
using FsBitrix.Calls;
using FsBitrix.Configuration;
using FsBitrix.Core.Calls;
using FsBitrix.Esl.Connection;
using FsBitrix.Esl.Inbound;
using FsBitrix.Tenants;
using Microsoft.Extensions.Logging;
using BitrixCallType = FsBitrix.Bitrix24.Telephony.CallType;

namespace FsBitrix.ClickToCall;

/// <summary>
/// Turns one trusted event into one originate: the rep's (or callback agent's) phone rings first showing the
/// client, then the client is dialled. The call tracker is told before the originate goes out and when its job
/// returns, so that an attempt whose leg never existed is finished exactly once through the outbox; every other
/// outcome is finished by the tracker from the leg's own events.
/// </summary>
internal sealed partial class ClickToCallOriginator(
    OriginateNode nodes,
    CallTracker tracker,
    IHandledEvents handled,
    TenantPortals portals,
    ClickToCallSettings settings,
    DialSettings dial,
    TimeProvider time,
    ILogger<ClickToCallOriginator> logger)
{
    private readonly ClickToCallSettings _settings = settings;

    /// <summary>Raised with the command just before it is sent (benchmarks and diagnostics).</summary>
    public event Action<string>? Originating;

    /// <summary>Awaited before an attempt is worked on: lets a test stop the service between acceptance and originate.</summary>
    internal Func<ClickAttempt, CancellationToken, Task>? Placing { get; set; }

    /// <summary>
    /// Places one accepted attempt, moving its durable record on (originating before the originate goes out, done once
    /// the tracker has the outcome); a stop in between leaves it for <see cref="ClickToCallRecovery"/>.
    /// </summary>
    public async Task HandleAsync(ClickAttempt attempt, CancellationToken cancellationToken)
    {
        if (Placing is { } hold)
        {
            await hold(attempt, cancellationToken).ConfigureAwait(false);
        }

        BitrixCallEvent e = attempt.Event;
        string leg = attempt.Leg;

        // The company whose portal sent the event: its users, its portal, its domain's phones.
        if (portals.Find(e.Tenant) is not { } portal)
        {
            LogNotPlaced(e.Event, e.CallId ?? "(callback)", $"the company '{e.Tenant}' is no longer in FsBitrix:Tenants");
            await handled.MarkDoneAsync(attempt, CancellationToken.None).ConfigureAwait(false);
            return;
        }

        Bitrix24UserDirectory directory = portal.Directory;
        if (directory.SnapshotTakenAt is null)
        {
            // Just started: the user list is being read; extensions and users of this event need it.
            await directory.RefreshAsync(cancellationToken).ConfigureAwait(false);
        }

        string? number = DialValues.ClientNumber(e.PhoneNumberInternational ?? e.PhoneNumber);
        CrmEntityMatch? crm = number is not null && (_settings.ShowCrmName || e.IsCallback)
            ? await CrmLookupAsync(portal, number, cancellationToken).ConfigureAwait(false)
            : null;
        IReadOnlyList<string> extensions = e.IsCallback
            ? CallbackExtensions(portal, crm)
            : await RepExtensionAsync(directory, e.UserId!.Value, cancellationToken).ConfigureAwait(false) is { } own ? [own] : [];
        string? extension = extensions.Count > 0 ? extensions[0] : null;
        string? callId = attempt.CallId
            ?? (e.IsCallback ? await RegisterCallbackAsync(portal, e, leg, number, extension, cancellationToken).ConfigureAwait(false) : null);
        if (callId is not null && attempt.CallId is null)
        {
            // A registered callback is a Bitrix24 call from now on: a restart must finish it.
            attempt = attempt with { CallId = callId };
            await handled.SetCallIdAsync(attempt, callId, CancellationToken.None).ConfigureAwait(false);
        }

        string? bad = extensions.FirstOrDefault(x => !DialValues.IsExtension(x));
        if (extension is null || bad is not null || number is null)
        {
            OriginateOutcome why = extension is null
                ? e.IsCallback ? OriginateOutcome.NoCallbackExtension : OriginateOutcome.NoExtension(e.UserId!.Value)
                : bad is not null ? OriginateOutcome.BadExtension(bad) : OriginateOutcome.BadNumber(e.PhoneNumber);
            LogNotPlaced(e.Event, callId ?? "(no CALL_ID)", why.FailedReason);
            FinishWithoutLeg(leg, callId, DialValues.IsExtension(extension) ? extension : null, e.UserId, why, portal.Domain);
            await tracker.FlushAsync().ConfigureAwait(false);
            await handled.MarkDoneAsync(attempt, CancellationToken.None).ConfigureAwait(false);
            return;
        }

        List<RingLeg> legs = [.. extensions.Select((x, i) => new RingLeg(i == 0 ? leg : Guid.NewGuid().ToString(), x))];
        var plan = new OriginatePlan(legs, number, _settings.ShowCrmName ? DialValues.DisplayName(crm?.Name) : null,
            callId is not null && DialValues.IsCallId(callId) ? callId : null, CallerIdForClient(e.LineNumber));
        attempt = attempt with { Legs = plan.LegUuids, Extensions = extensions, CallId = callId };
        await handled.MarkOriginatingAsync(attempt, cancellationToken).ConfigureAwait(false);
        await OriginateAsync(plan, callId, e.UserId, portal.Domain, cancellationToken).ConfigureAwait(false);

        // The finish (if the originate failed) must be in the outbox before the attempt stops being recovered.
        await tracker.FlushAsync().ConfigureAwait(false);
        await handled.MarkDoneAsync(attempt, CancellationToken.None).ConfigureAwait(false);
    }

    /// <param name="userId">The rep who clicked (null for a callback): the finish of a failed attempt is theirs.</param>
    private async Task OriginateAsync(OriginatePlan plan, string? callId, int? userId, string? domain, CancellationToken cancellationToken)
    {
        string command = plan.Command(dial, _settings, domain);
        tracker.ExpectOriginate(plan.LegUuids);
        OriginateOutcome? failure;
        try
        {
            Originating?.Invoke(command);
            LogOriginate(callId ?? "(untracked)", plan.Extension, plan.LegUuid);
            Hosting.FreeSwitchNode node = await nodes.ChooseAsync(plan.Extension, domain, cancellationToken).ConfigureAwait(false);
            BackgroundJobResult result = await node.Client.BackgroundApiAsync(command, Guid.NewGuid().ToString(), cancellationToken).ConfigureAwait(false);
            failure = result.IsSuccess ? null : OriginateOutcome.Failed(result);
        }
        catch (Exception ex) when (ex is EslDisconnectedException or TimeoutException)
        {
            // Not connected, or the socket went while ringing: a leg that did exist is reconciled after the
            // reconnect; one that never showed up is finished here.
            failure = OriginateOutcome.Unreachable(ex.Message);
        }

        if (failure is { } why)
        {
            LogOriginateFailed(callId ?? "(untracked)", why.FailedReason);
        }

        tracker.OriginateCompleted(plan.LegUuids, failure is { } f && callId is not null
            ? new FinishCall(plan.LegUuid, callId, plan.Extension, 0, f.Status, f.FailedReason, userId)
            : null, domain);
    }

    /// <summary>
    /// The tracker sends the finish through the outbox: it survives a Bitrix24 outage and a restart. It is the
    /// clicking rep's (<paramref name="userId"/>) even when they have no extension, not the default user's.
    /// </summary>
    private void FinishWithoutLeg(string leg, string? callId, string? extension, int? userId, OriginateOutcome why, string? domain)
    {
        if (callId is not null)
        {
            tracker.ExpectOriginate(leg);
            tracker.OriginateCompleted([leg], new FinishCall(leg, callId, extension, 0, why.Status, why.FailedReason, userId), domain);
        }
    }

    /// <summary>
    /// A callback has no CALL_ID (the portal does not register it): register it as TYPE 4 for the agent about to be
    /// rung. Register is safe to retry (same EXTERNAL_CALL_ID); if it still fails, the client is called back anyway,
    /// untracked, rather than left waiting.
    /// </summary>
    private async Task<string?> RegisterCallbackAsync(TenantPortal portal, BitrixCallEvent e, string leg, string? number, string? extension,
        CancellationToken cancellationToken)
    {
        int userId = extension is not null && portal.Directory.TryGetUserId(extension, out int id) ? id : portal.DefaultUserId;
        try
        {
            RegisteredCall call = await portal.Client.RegisterCallAsync(new RegisterCallRequest
            {
                ExternalCallId = leg,
                UserId = userId,
                PhoneNumber = number ?? e.PhoneNumber,
                Type = BitrixCallType.Callback,
                CallStartDate = time.GetUtcNow(),
                CrmCreate = portal.CrmCreate,
                CrmEntityType = e.CrmEntityId is null ? null : e.CrmEntityType,
                CrmEntityId = e.CrmEntityId,
                Show = false,
                LineNumber = e.LineNumber,
            }, cancellationToken).ConfigureAwait(false);
            return call.CallId;
        }
        catch (Bitrix24Exception ex)
        {
            LogCallbackNotRegistered(Logging.PersonalData.Mask(e.PhoneNumber), ex.Message);
            return null;
        }
    }

    /// <summary>
    /// The rep's extension. A miss re-reads the user list when it is not known yet (the service just started) or
    /// is a minute old (the admin may have just given the rep a phone), so the click does not fail needlessly.
    /// </summary>
    private async Task<string?> RepExtensionAsync(Bitrix24UserDirectory directory, int userId, CancellationToken cancellationToken)
    {
        if (directory.TryGetExtension(userId, out string ext))
        {
            return ext;
        }

        if (directory.SnapshotTakenAt is { } taken && time.GetUtcNow() - taken < TimeSpan.FromMinutes(1))
        {
            return null;
        }

        await directory.RefreshAsync(cancellationToken).ConfigureAwait(false);
        return directory.TryGetExtension(userId, out ext) ? ext : null;
    }

    /// <summary>The configured ring-all group when there is one (all rung at once), else the one callback extension.</summary>
    private List<string> CallbackExtensions(TenantPortal portal, CrmEntityMatch? crm)
    {
        List<string> group = [.. _settings.CallbackExtensions.Select(x => x.Trim()).Where(x => x.Length > 0).Distinct(StringComparer.Ordinal)];
        return group.Count > 0 ? group : CallbackExtension(portal, crm) is { } one ? [one] : [];
    }

    private string? CallbackExtension(TenantPortal portal, CrmEntityMatch? crm)
    {
        Bitrix24UserDirectory directory = portal.Directory;
        if (!string.IsNullOrWhiteSpace(_settings.CallbackExtension))
        {
            return _settings.CallbackExtension.Trim();
        }

        if (crm?.AssignedBy?.UserPhoneInner is { Length: > 0 } responsible)
        {
            return responsible;
        }

        return (crm?.AssignedById is { } id && directory.TryGetExtension(id, out string ext))
            || directory.TryGetExtension(portal.DefaultUserId, out ext)
            ? ext
            : null;
    }

    /// <summary>The line the event names, when it is a dialable number; else the configured one; else the gateway's.</summary>
    private string? CallerIdForClient(string? lineNumber) =>
        DialValues.ClientNumber(lineNumber) is { Length: >= 5 } line ? line : DialValues.ClientNumber(_settings.CallerIdNumber);

    private async Task<CrmEntityMatch?> CrmLookupAsync(TenantPortal portal, string number, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_settings.CrmLookupTimeout);
        try
        {
            IReadOnlyList<CrmEntityMatch> found = await portal.Client.SearchCrmEntitiesAsync(number, timeout.Token).ConfigureAwait(false);
            return found.Count > 0 ? found[0] : null;
        }
        catch (Exception ex) when (ex is Bitrix24Exception || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            // The phone rings with the number only; the card in Bitrix24 still shows the client.
            LogCrmLookupFailed(ex.Message);
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Click-to-call {CallId}: ringing extension {Extension} first (leg {Leg})")]
    private partial void LogOriginate(string callId, string extension, string leg);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Event} {CallId} not placed: {Reason}")]
    private partial void LogNotPlaced(string @event, string callId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Click-to-call {CallId}: originate failed: {Result}")]
    private partial void LogOriginateFailed(string callId, string result);

    [LoggerMessage(Level = LogLevel.Error, Message = "Callback to {Number} could not be registered in Bitrix24 ({Reason}); calling back anyway, untracked")]
    private partial void LogCallbackNotRegistered(string number, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "CRM lookup for the rep's display failed ({Reason}); ringing with the number only")]
    private partial void LogCrmLookupFailed(string reason);
}
