using FsBitrix.Calls;
using FsBitrix.Configuration;
using FsBitrix.Core.Calls;
using FsBitrix.Esl.Connection;
using FsBitrix.Esl.Inbound;
using FsBitrix.Outbox;
using Microsoft.Extensions.Logging;

namespace FsBitrix.ClickToCall;

/// <summary>
/// At start-up, deals with the attempts the service stopped on, so none leaves the portal's call unfinished:
/// accepted but not placed → placed now if recent, else finished as not placed; originating (FreeSWITCH may or may
/// not have its legs) → left to the tracker when it stored the call, followed when FreeSWITCH has a leg, else
/// finished once through the tracker.
/// </summary>
internal sealed partial class ClickToCallRecovery(
    IHandledEvents handled,
    ICallStates store,
    CallTracker tracker,
    Hosting.FreeSwitchNodes nodes,
    ClickToCallSettings settings,
    TimeProvider time,
    ILogger<ClickToCallRecovery> logger)
{
    /// <param name="place">Queues an attempt to be placed as if it had just been accepted.</param>
    public async Task RecoverAsync(Action<ClickAttempt> place, CancellationToken cancellationToken)
    {
        foreach (ClickAttempt attempt in await handled.UnfinishedAsync(cancellationToken).ConfigureAwait(false))
        {
            if (await TrackerHasAsync(attempt, cancellationToken).ConfigureAwait(false))
            {
                // Its legs were seen: the restored call finishes from their events, or from the resync.
                await handled.MarkDoneAsync(attempt, cancellationToken).ConfigureAwait(false);
            }
            else if (attempt.State == ClickAttemptState.Accepted
                && await YoungOnceConnectedAsync(attempt, cancellationToken).ConfigureAwait(false))
            {
                LogPlacing(attempt.Event.Event, attempt.Event.DeliveryKey);
                place(attempt);
            }
            else if (attempt.State == ClickAttemptState.Accepted)
            {
                Finish(attempt, OriginateOutcome.Restarted);
                await tracker.FlushAsync().ConfigureAwait(false);
                await handled.MarkDoneAsync(attempt, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await ReconcileAsync(attempt, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// On a shared database, while leading: the clicks a standby accepted (it does not place them), placed now when
    /// young enough to ring the rep still, else finished once as not placed — the start-up rule for accepted attempts.
    /// </summary>
    /// <param name="notTaken">False for an attempt this process already has (its own intake's).</param>
    public async Task AdoptAcceptedAsync(Func<ClickAttempt, bool> notTaken, Action<ClickAttempt> place, CancellationToken cancellationToken)
    {
        foreach (ClickAttempt attempt in await handled.UnfinishedAsync(cancellationToken).ConfigureAwait(false))
        {
            if (attempt.State != ClickAttemptState.Accepted || !notTaken(attempt))
            {
                continue;
            }

            if (time.GetUtcNow() - attempt.AcceptedAt < settings.PlaceAfterRestartWithin)
            {
                LogPlacing(attempt.Event.Event, attempt.Event.DeliveryKey);
                place(attempt);
            }
            else
            {
                Finish(attempt, OriginateOutcome.Restarted);
                await tracker.FlushAsync().ConfigureAwait(false);
                await handled.MarkDoneAsync(attempt, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    // Recovery runs as the service starts, often before its first ESL login: placed then, the originate would fail as
    // "not connected" and the rep's click be finished unplaced. Young enough is judged once FreeSWITCH can be asked.
    private async Task<bool> YoungOnceConnectedAsync(ClickAttempt attempt, CancellationToken cancellationToken)
    {
        await nodes.Default.Client.WaitConnectedAsync(cancellationToken).ConfigureAwait(false);
        return time.GetUtcNow() - attempt.AcceptedAt < settings.PlaceAfterRestartWithin;
    }

    /// <summary>
    /// The originate may have reached FreeSWITCH. With no leg there, the attempt is finished once here. With a leg,
    /// the call is adopted so its events are routed from now on, and FreeSWITCH is asked again: a leg gone in between
    /// (its hangup unrouted) is ended from what is known, as a resync would.
    /// </summary>
    private async Task ReconcileAsync(ClickAttempt attempt, CancellationToken cancellationToken)
    {
        await nodes.Default.Client.WaitConnectedAsync(cancellationToken).ConfigureAwait(false);
        (IReadOnlySet<string>? live, string? node) = await LiveLegsAsync(attempt.Legs, cancellationToken).ConfigureAwait(false);
        LogReconciled(attempt.Event.DeliveryKey, live is null ? "could not be asked" : live.Count > 0 ? "a leg is up" : "no leg");
        if (live is { Count: 0 })
        {
            Finish(attempt, OriginateOutcome.LostInRestart);
        }
        else
        {
            // Unknown (FreeSWITCH could not be asked) counts as up: the next resync or the idle timeout ends it.
            tracker.Adopt(Adopted(attempt) with { Node = node });
            if (live is not null && (await LiveLegsAsync(attempt.Legs, cancellationToken).ConfigureAwait(false)).Live is { } still && still.Count < live.Count)
            {
                tracker.Reconcile(attempt.Leg, still, time.GetUtcNow());
            }
        }

        await tracker.FlushAsync().ConfigureAwait(false);
        await handled.MarkDoneAsync(attempt, CancellationToken.None).ConfigureAwait(false);
    }

    private void Finish(ClickAttempt attempt, OriginateOutcome why)
    {
        LogNotPlaced(attempt.Event.Event, attempt.CallId ?? "(a callback never registered)", why.FailedReason);
        if (attempt.CallId is { } callId)
        {
            tracker.ExpectOriginate(attempt.Leg);
            tracker.OriginateCompleted([attempt.Leg], FinishFor(attempt, callId, why), DomainOf(attempt));
        }
    }

    private static FinishCall FinishFor(ClickAttempt attempt, string callId, OriginateOutcome why) =>
        new(attempt.Leg, callId, attempt.Extensions.Count > 0 ? attempt.Extensions[0] : null, 0, why.Status, why.FailedReason,
            attempt.Event.UserId);

    private async Task<bool> TrackerHasAsync(ClickAttempt attempt, CancellationToken cancellationToken)
    {
        foreach (string leg in attempt.Legs)
        {
            if (await store.KnowsCallAsync(leg, cancellationToken).ConfigureAwait(false))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The legs FreeSWITCH has (<c>uuid_exists</c>, asked of every node), with the node (its tag) they are on; null when
    /// a node could not be asked.
    /// </summary>
    private async Task<(IReadOnlySet<string>? Live, string? Node)> LiveLegsAsync(IReadOnlyList<string> legs, CancellationToken cancellationToken)
    {
        var live = new HashSet<string>(StringComparer.Ordinal);
        string? on = null;
        try
        {
            foreach (Hosting.FreeSwitchNode node in nodes.All)
            {
                foreach (string leg in legs)
                {
                    EslReply reply = await node.Client.ApiAsync("uuid_exists " + leg, cancellationToken).ConfigureAwait(false);
                    if (reply.Text.Trim() == "true")
                    {
                        live.Add(leg);
                        on ??= node.Tag;
                    }
                }
            }

            return (live, on);
        }
        catch (Exception ex) when (ex is EslDisconnectedException or TimeoutException)
        {
            return (null, null);
        }
    }

    // What is known of an attempt whose legs were never seen: the reps' legs, ringing or not, with the CALL_ID.
    private CallState Adopted(ClickAttempt attempt)
    {
        var legs = attempt.Legs.Select((uuid, i) => new LegState(uuid, LegRole.Agent, i < attempt.Extensions.Count ? attempt.Extensions[i] : null));
        return CallState.Start(attempt.Leg) with
        {
            Kind = attempt.CallId is null ? CallKind.Untracked : CallKind.ClickToCall,
            Silent = attempt.CallId is null,
            BitrixCallId = attempt.CallId,
            CallerExtension = attempt.Extensions.Count > 0 ? attempt.Extensions[0] : null,
            StartedAt = attempt.AcceptedAt,
            LastEventAt = time.GetUtcNow(),
            Legs = [.. legs],
            Domain = DomainOf(attempt),
        };
    }

    // The company whose portal sent the click: its finish goes back there.
    private static string? DomainOf(ClickAttempt attempt) => attempt.Event.Tenant.Length == 0 ? null : attempt.Event.Tenant;

    [LoggerMessage(Level = LogLevel.Information, Message = "{Event} {Key} was accepted just before the service stopped; placing it now")]
    private partial void LogPlacing(string @event, string key);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Event} {CallId} was accepted before the service stopped and is not placed: {Reason}")]
    private partial void LogNotPlaced(string @event, string callId, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Key} was being placed when the service stopped; FreeSWITCH: {Found}")]
    private partial void LogReconciled(string key, string found);
}
