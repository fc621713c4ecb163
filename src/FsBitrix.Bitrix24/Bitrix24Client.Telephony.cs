using System.Collections.Concurrent;
using System.Text.Json;
using FsBitrix.Bitrix24.Errors;
using FsBitrix.Bitrix24.Params;
using FsBitrix.Bitrix24.Retry;
using FsBitrix.Bitrix24.Telephony;
using Microsoft.Extensions.Logging;

namespace FsBitrix.Bitrix24;

public sealed partial class Bitrix24Client
{
    // A finish whose answer was lost is remembered this long; the service's outbox finishes well within it.
    private static readonly TimeSpan AmbiguousFinishMemory = TimeSpan.FromHours(2);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _ambiguousFinishes = new(StringComparer.Ordinal);

    public Task<RegisteredCall> RegisterCallAsync(RegisterCallRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return CallAsync(Bitrix24Methods.Register, request.ToParams(), RetryRule.Idempotent, static r => RegisteredCall.Read(r.Result), cancellationToken);
    }

    public Task<bool> ShowCallAsync(string callId, IReadOnlyCollection<int> userIds, CancellationToken cancellationToken = default) =>
        CallAsync(Bitrix24Methods.Show, CardParams(callId, userIds), RetryRule.Idempotent, static r => r.Result.ValueKind == JsonValueKind.True, cancellationToken);

    public Task<bool> HideCallAsync(string callId, IReadOnlyCollection<int> userIds, CancellationToken cancellationToken = default) =>
        CallAsync(Bitrix24Methods.Hide, CardParams(callId, userIds), RetryRule.Idempotent, static r => r.Result.ValueKind == JsonValueKind.True, cancellationToken);

    public async Task<FinishResult> FinishCallAsync(FinishCallRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        BitrixParams parameters = request.ToParams();
        try
        {
            FinishedCall call = await CallAsync(Bitrix24Methods.Finish, parameters, RetryRule.OnlyIfNotExecuted, static r => FinishedCall.Read(r.Result), cancellationToken).ConfigureAwait(false);
            _ambiguousFinishes.TryRemove(request.CallId, out _);
            return new FinishResult(FinishOutcome.Finished, call);
        }
        catch (Bitrix24Exception e) when (e.Kind == Bitrix24ErrorKind.CallNotFound && (request.AfterAmbiguousAttempt || _ambiguousFinishes.ContainsKey(request.CallId)))
        {
            _ambiguousFinishes.TryRemove(request.CallId, out _);
            LogAlreadyFinished(_logger, request.CallId);
            return new FinishResult(FinishOutcome.AlreadyFinished, null);
        }
        catch (Bitrix24Exception e) when (e.MayHaveExecuted)
        {
            RememberAmbiguousFinish(request.CallId);
            throw;
        }
    }

    public Task<AttachedRecord> AttachRecordAsync(AttachRecordRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return CallAsync(Bitrix24Methods.AttachRecord, request.ToParams(), RetryRule.Idempotent, static r => AttachedRecord.Read(r.Result), cancellationToken);
    }

    public Task<IReadOnlyList<CrmEntityMatch>> SearchCrmEntitiesAsync(string phoneNumber, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(phoneNumber);
        return CallAsync<IReadOnlyList<CrmEntityMatch>>(
            Bitrix24Methods.SearchCrmEntities,
            new BitrixParams().Add("PHONE_NUMBER", phoneNumber),
            RetryRule.Idempotent,
            static r => [.. Json.JsonRead.Items(r.Result).Select(CrmEntityMatch.Read)],
            cancellationToken);
    }

    internal static BitrixParams CardParams(string callId, IReadOnlyCollection<int> userIds)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(callId);
        ArgumentNullException.ThrowIfNull(userIds);
        if (userIds.Count == 0)
        {
            // Bitrix24 would fall back to the registering user, which is never what a queue means.
            throw new ArgumentException("At least one USER_ID is required.", nameof(userIds));
        }

        return new BitrixParams().Add("CALL_ID", callId).Add("USER_ID", [.. userIds.Select(id => (long)id)]);
    }

    private void RememberAmbiguousFinish(string callId)
    {
        DateTimeOffset now = _time.GetUtcNow();
        _ambiguousFinishes[callId] = now;
        foreach (KeyValuePair<string, DateTimeOffset> entry in _ambiguousFinishes)
        {
            if (now - entry.Value > AmbiguousFinishMemory)
            {
                _ambiguousFinishes.TryRemove(entry.Key, out _);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Bitrix24 finish of {CallId}: call is not found after an earlier finish whose answer was lost; counting it as finished")]
    private static partial void LogAlreadyFinished(ILogger logger, string callId);
}
