using FsBitrix.Bitrix24;
using FsBitrix.Bitrix24.Errors;
using FsBitrix.Bitrix24.Telephony;
using FsBitrix.Core.Calls;
using FsBitrix.Recordings;
using BitrixCallType = FsBitrix.Bitrix24.Telephony.CallType;
using CoreCallType = FsBitrix.Core.Calls.CallType;

namespace FsBitrix.Outbox;

/// <summary>
/// Sends one outbox command to Bitrix24: resolves extensions to users and the call's CALL_ID, and turns the
/// answer (or the failure) into a <see cref="DeliveryResult"/>. It decides nothing about order; the dispatcher does.
/// </summary>
internal sealed class CommandDelivery(
    IBitrix24Client client,
    OutboxStore store,
    IUserResolver users,
    IRecordingSource recordings,
    DeliveryOptions options,
    TimeProvider time)
{
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
        int? userId = command.UserPhoneInner is { } ext ? users.UserIdOf(ext) : null;
        var request = new RegisterCallRequest
        {
            ExternalCallId = command.ExternalCallId,
            UserId = userId ?? (command.UserPhoneInner is null ? options.DefaultUserId : null),
            UserPhoneInner = userId is null ? command.UserPhoneInner : null,
            PhoneNumber = command.PhoneNumber,
            Type = (BitrixCallType)(int)command.Type,
            CallStartDate = command.StartedAt ?? time.GetUtcNow(),
            CrmCreate = options.CrmCreate && command.Type != CoreCallType.Outbound,
            Show = false,
            LineNumber = command.LineNumber,
        };
        RegisteredCall registered = await client.RegisterCallAsync(request, cancellationToken).ConfigureAwait(false);
        await store.SetBitrixCallIdAsync(command.CallKey, registered.CallId, cancellationToken).ConfigureAwait(false);
        return new DeliveryResult.Done($"registered {registered.CallId}");
    }

    private async Task<DeliveryResult> CardAsync(OutboxEntry entry, CancellationToken cancellationToken)
    {
        bool shown = entry.Command is ShowCard;
        IEnumerable<string> extensions = entry.Followers.Select(f => f.Command).Prepend(entry.Command)
            .Select(c => c is ShowCard s ? s.UserPhoneInner : ((HideCard)c).UserPhoneInner);
        var userIds = new List<int>();
        var unknown = new List<string>();
        foreach (string extension in extensions.Distinct(StringComparer.Ordinal))
        {
            if (users.UserIdOf(extension) is { } id)
            {
                userIds.Add(id);
            }
            else
            {
                unknown.Add(extension);
            }
        }

        if (userIds.Count == 0)
        {
            return users.IsReady
                ? new DeliveryResult.Refused($"extension {string.Join(", ", unknown)} has no Bitrix24 user (set UF_PHONE_INNER or the Users map)")
                : new DeliveryResult.Retry("the Bitrix24 user list has not been read yet", options.FirstRetry, false);
        }

        if (await CallIdOfAsync(entry.Command, cancellationToken).ConfigureAwait(false) is not { } callId)
        {
            return new DeliveryResult.Refused("the call has no CALL_ID: its register was refused");
        }

        bool ok = shown
            ? await client.ShowCallAsync(callId, userIds, cancellationToken).ConfigureAwait(false)
            : await client.HideCallAsync(callId, userIds, cancellationToken).ConfigureAwait(false);
        string skipped = unknown.Count > 0 ? $"; no Bitrix24 user for {string.Join(", ", unknown)}" : string.Empty;
        return new DeliveryResult.Done(
            $"{(shown ? "shown to" : "hidden from")} user(s) {string.Join(", ", userIds)}{(ok ? string.Empty : " (portal said false)")}{skipped}");
    }

    private async Task<DeliveryResult> FinishAsync(FinishCall command, bool afterAmbiguous, CancellationToken cancellationToken)
    {
        if (await CallIdOfAsync(command, cancellationToken).ConfigureAwait(false) is not { } callId)
        {
            return new DeliveryResult.Refused("the call has no CALL_ID: its register was refused");
        }

        int? userId = command.UserId ?? (command.UserPhoneInner is { } ext ? users.UserIdOf(ext) : null);
        var request = new FinishCallRequest
        {
            CallId = callId,
            UserId = userId ?? (command.UserPhoneInner is null ? options.DefaultUserId : null),
            UserPhoneInner = userId is null ? command.UserPhoneInner : null,
            Duration = command.Duration,
            StatusCode = command.StatusCode,
            FailedReason = command.FailedReason,
            AfterAmbiguousAttempt = afterAmbiguous,
        };
        FinishResult result = await client.FinishCallAsync(request, cancellationToken).ConfigureAwait(false);
        return new DeliveryResult.Done(result.Outcome == FinishOutcome.AlreadyFinished
            ? $"finish {callId}: already finished by an earlier attempt"
            : $"finished {callId} {command.StatusCode} {command.Duration}s");
    }

    private async Task<DeliveryResult> AttachAsync(AttachRecording command, CancellationToken cancellationToken)
    {
        if (await CallIdOfAsync(command, cancellationToken).ConfigureAwait(false) is not { } callId)
        {
            return new DeliveryResult.Refused("the call has no CALL_ID: its register was refused");
        }

        AttachRecordRequest? request = await recordings.PrepareAsync(callId, command.FilePath, cancellationToken).ConfigureAwait(false);
        if (request is null)
        {
            return new DeliveryResult.Refused($"recording {command.FilePath} never appeared complete on disk");
        }

        await client.AttachRecordAsync(request, cancellationToken).ConfigureAwait(false);
        return new DeliveryResult.Done($"recording attached to {callId}");
    }

    private async Task<string?> CallIdOfAsync(CallCommand command, CancellationToken cancellationToken) =>
        command.BitrixCallId ?? await store.GetBitrixCallIdAsync(command.CallKey, cancellationToken).ConfigureAwait(false);

    private DeliveryResult Classify(OutboxEntry entry, Bitrix24Exception ex)
    {
        TimeSpan backoff = Backoff(entry.Attempts);
        return ex.Kind switch
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
                new DeliveryResult.Done("the call is over in Bitrix24; card change not needed"),
            _ => new DeliveryResult.Refused(ex.Message),
        };
    }

    private TimeSpan Backoff(int attempts)
    {
        double ms = options.FirstRetry.TotalMilliseconds * Math.Pow(2, Math.Min(attempts, 16));
        return TimeSpan.FromMilliseconds(Math.Min(ms, options.MaxRetry.TotalMilliseconds));
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
