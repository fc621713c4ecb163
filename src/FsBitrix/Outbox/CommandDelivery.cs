using FsBitrix.Bitrix24;
using FsBitrix.Bitrix24.Batch;
using FsBitrix.Bitrix24.Errors;
using FsBitrix.Bitrix24.RateLimiting;
using FsBitrix.Bitrix24.Telephony;
using FsBitrix.Core.Calls;
using FsBitrix.Recordings;
using CoreCallType = FsBitrix.Core.Calls.CallType;

namespace FsBitrix.Outbox;

/// <summary>
/// Sends one outbox command to Bitrix24: resolves extensions to users and the call's CALL_ID, and turns the
/// answer (or the failure) into a <see cref="DeliveryResult"/>. It decides nothing about order; the dispatcher does.
/// </summary>
internal sealed partial class CommandDelivery(
    IBitrix24Client client,
    ICallStates store,
    IUserResolver users,
    IRecordingSource recordings,
    CallerCrmMatches crmMatches,
    DeliveryOptions options,
    TimeProvider time,
    LeakyBucketLimiter? limiter = null)
{
    /// <summary>
    /// The portal's request budget this delivery spends: the client's own bucket (or, for a client that has none, the
    /// one given); null: no limit known.
    /// </summary>
    public LeakyBucketLimiter? Limiter => (client as Bitrix24Client)?.Limiter ?? limiter;

    public async Task<DeliveryResult> DeliverAsync(OutboxEntry entry, CancellationToken cancellationToken)
    {
        try
        {
            return entry.Command switch
            {
                RegisterCall register => await RegisterAsync(register, cancellationToken).ConfigureAwait(false),
                ShowCard or HideCard => await CardAsync(entry, cancellationToken).ConfigureAwait(false),
                FinishCall finish => await FinishAsync(finish, entry.Ambiguous, cancellationToken).ConfigureAwait(false),
                AttachRecording record => await AttachAsync(record, cancellationToken).ConfigureAwait(false),
                _ => new DeliveryResult.Refused($"unknown command {entry.Command.GetType().Name}"),
            };
        }
        catch (Bitrix24Exception ex)
        {
            return Classify(entry, ex);
        }
    }

    private async Task<DeliveryResult> RegisterAsync(RegisterCall command, CancellationToken cancellationToken)
    {
        RegisterCallRequest request = RegisterRequestOf(command);
        if (!SearchesCrm(command))
        {
            RegisteredCall registered = await client.RegisterCallAsync(request, cancellationToken).ConfigureAwait(false);
            await store.SetBitrixCallIdAsync(command.CallKey, registered.CallId, cancellationToken).ConfigureAwait(false);
            return new DeliveryResult.Done($"registered {registered.CallId}");
        }

        return await RegisterAndSearchAsync(command, request, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>An inbound register also asks for the caller's CRM entities (the queue's responsible rep), in the same request.</summary>
    private bool SearchesCrm(RegisterCall command) => crmMatches.SearchInboundCalls && command.Type == CoreCallType.Inbound;

    private RegisterCallRequest RegisterRequestOf(RegisterCall command)
    {
        int? userId = command.UserPhoneInner is { } ext ? users.UserIdOf(ext) : null;
        return new RegisterCallRequest
        {
            ExternalCallId = command.ExternalCallId,
            UserId = userId ?? (command.UserPhoneInner is null ? options.DefaultUserId : null),
            UserPhoneInner = userId is null ? command.UserPhoneInner : null,
            PhoneNumber = command.PhoneNumber,
            Type = BitrixVocabulary.TypeOf(command.Type),
            CallStartDate = command.StartedAt ?? time.GetUtcNow(),
            CrmCreate = options.CrmCreate && command.Type != CoreCallType.Outbound,
            Show = false,
            LineNumber = command.LineNumber,
        };
    }

    /// <summary>
    /// The register and the search for the caller's CRM entities in one request: the queue wants the client's
    /// responsible rep, and the search must not cost a request of its own. Whatever happens to the register, a
    /// waiting queue hears of it, so its caller is never kept waiting on a retry. The search goes first: the lead a
    /// register may create for a new number belongs to the registering user, who is not the client's rep.
    /// </summary>
    private async Task<DeliveryResult> RegisterAndSearchAsync(RegisterCall command, RegisterCallRequest request, CancellationToken cancellationToken)
    {
        BatchResult result;
        RegisteredCall registered;
        try
        {
            result = await client.BatchAsync(
                [TelephonyBatch.SearchCrmEntities("search", command.PhoneNumber), TelephonyBatch.Register("register", request)],
                halt: false, cancellationToken).ConfigureAwait(false);
            registered = result.Registered("register");
        }
        catch
        {
            crmMatches.Failed(command.CallKey);
            throw;
        }

        await store.SetBitrixCallIdAsync(command.CallKey, registered.CallId, cancellationToken).ConfigureAwait(false);
        string search;
        try
        {
            IReadOnlyList<CrmEntityMatch> matches = result.CrmEntities("search");
            crmMatches.Found(command.CallKey, matches);
            search = $"{matches.Count} CRM match(es)";
        }
        catch (Bitrix24Exception ex)
        {
            // The register stands; only the queue's rep-first turn is lost, so the call is not held up for it.
            crmMatches.Failed(command.CallKey);
            search = "CRM search failed: " + ex.ErrorDescription;
        }

        return new DeliveryResult.Done($"registered {registered.CallId}; {search}");
    }

    private async Task<DeliveryResult> FinishAsync(FinishCall command, bool afterAmbiguous, CancellationToken cancellationToken)
    {
        if (await CallIdOfAsync(command, cancellationToken).ConfigureAwait(false) is not { } callId)
        {
            return new DeliveryResult.Refused("the call has no CALL_ID: its register was refused");
        }

        FinishCallRequest request = FinishRequestOf(command, callId, afterAmbiguous);
        FinishResult result = await client.FinishCallAsync(request, cancellationToken).ConfigureAwait(false);
        return new DeliveryResult.Done(result.Outcome == FinishOutcome.AlreadyFinished
            ? $"finish {callId}: already finished by an earlier attempt"
            : $"finished {callId} {BitrixVocabulary.StatusCodeOf(command.Status)} {command.Duration}s");
    }

    private FinishCallRequest FinishRequestOf(FinishCall command, string callId, bool afterAmbiguous)
    {
        int? userId = command.UserId ?? (command.UserPhoneInner is { } ext ? users.UserIdOf(ext) : null);
        return new FinishCallRequest
        {
            CallId = callId,
            UserId = userId ?? (command.UserPhoneInner is null ? options.DefaultUserId : null),
            UserPhoneInner = userId is null ? command.UserPhoneInner : null,
            Duration = command.Duration,
            StatusCode = BitrixVocabulary.StatusCodeOf(command.Status),
            FailedReason = command.FailedReason,
            AfterAmbiguousAttempt = afterAmbiguous,
        };
    }

    private async Task<DeliveryResult> AttachAsync(AttachRecording command, CancellationToken cancellationToken)
    {
        if (await CallIdOfAsync(command, cancellationToken).ConfigureAwait(false) is not { } callId)
        {
            return new DeliveryResult.Refused("the call has no CALL_ID: its register was refused");
        }

        AttachRecordRequest request;
        switch (await recordings.PrepareAsync(callId, command.FilePath, cancellationToken).ConfigureAwait(false))
        {
            case PreparedRecording.Ready ready:
                request = ready.Request;
                break;
            case PreparedRecording.NotYet notYet:
                // Being encoded in the background: it waits without spending an attempt or a request.
                return new DeliveryResult.Retry("recording still being encoded", notYet.RetryIn, false) { CountsAsAttempt = false, OnlyWaiting = true };
            default:
                return new DeliveryResult.Refused($"recording {command.FilePath} never appeared complete on disk");
        }

        await client.AttachRecordAsync(request, cancellationToken).ConfigureAwait(false);
        recordings.Attached(command.FilePath);
        return new DeliveryResult.Done($"recording attached to {callId}");
    }

    private async Task<string?> CallIdOfAsync(CallCommand command, CancellationToken cancellationToken) =>
        command.BitrixCallId ?? await store.GetBitrixCallIdAsync(command.CallKey, cancellationToken).ConfigureAwait(false);

    internal DeliveryResult Classify(OutboxEntry entry, Bitrix24Exception ex)
    {
        TimeSpan backoff = Backoff(entry.Attempts);
        DeliveryResult result = ex.Kind switch
        {
            Bitrix24ErrorKind.RateLimited or Bitrix24ErrorKind.Transient =>
                new DeliveryResult.Retry(ex.Message, backoff, ex.MayHaveExecuted),
            Bitrix24ErrorKind.OperationTimeLimit =>
                new DeliveryResult.Retry(ex.Message, Max(backoff, (ex.RetryAt ?? time.GetUtcNow()) - time.GetUtcNow()), false),
            Bitrix24ErrorKind.Authorization =>
                new DeliveryResult.Retry(ex.Message, options.AuthorizationRetry, ex.MayHaveExecuted) { CountsAsAttempt = false },

            // attachRecord before finish landed: finish is ahead in the same call's queue, so wait for it.
            Bitrix24ErrorKind.CallNotFinished => new DeliveryResult.Retry(ex.Message, backoff, false),
            Bitrix24ErrorKind.CallNotFound when entry.Command is ShowCard or HideCard =>
                new DeliveryResult.Done("the call is over in Bitrix24; card change not needed") { Sent = false },
            _ => new DeliveryResult.Refused(ex.Message),
        };
        return result is DeliveryResult.Done ? result : result with { ErrorKind = ex.Kind };
    }

    private TimeSpan Backoff(int attempts)
    {
        double ms = options.FirstRetry.TotalMilliseconds * Math.Pow(2, Math.Min(attempts, 16));
        return TimeSpan.FromMilliseconds(Math.Min(ms, options.MaxRetry.TotalMilliseconds));
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
