using FsBitrix.Bitrix24.Params;
using FsBitrix.Bitrix24.Retry;
using FsBitrix.Bitrix24.Telephony;

namespace FsBitrix.Bitrix24.Batch;

/// <summary>
/// The telephony methods as <c>batch</c> commands, with the same parameters and retry rules as the client's own
/// calls, so several of one call's changes cost one request.
/// </summary>
public static class TelephonyBatch
{
    public static BatchCommand Register(string key, RegisterCallRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new BatchCommand(key, Bitrix24Methods.Register, request.ToParams(), RetryRule.Idempotent);
    }

    public static BatchCommand SearchCrmEntities(string key, string phoneNumber)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(phoneNumber);
        return new BatchCommand(key, Bitrix24Methods.SearchCrmEntities, new BitrixParams().Add("PHONE_NUMBER", phoneNumber), RetryRule.Idempotent);
    }

    public static BatchCommand Show(string key, string callId, IReadOnlyCollection<int> userIds, BatchReference? callIdFrom = null) =>
        new(key, Bitrix24Methods.Show, WithCallId(Bitrix24Client.CardParams(callId, userIds), callIdFrom), RetryRule.Idempotent);

    public static BatchCommand Hide(string key, string callId, IReadOnlyCollection<int> userIds, BatchReference? callIdFrom = null) =>
        new(key, Bitrix24Methods.Hide, WithCallId(Bitrix24Client.CardParams(callId, userIds), callIdFrom), RetryRule.Idempotent);

    /// <summary>
    /// <c>finish</c>: not idempotent, so a batch carrying one is resent only when it certainly did not run. A "Call is
    /// not found" answer after an attempt that may have run is for the caller to read as already finished.
    /// </summary>
    /// <param name="callIdFrom">The register earlier in the same batch whose CALL_ID this finish takes.</param>
    public static BatchCommand Finish(string key, FinishCallRequest request, BatchReference? callIdFrom = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new BatchCommand(key, Bitrix24Methods.Finish, WithCallId(request.ToParams(), callIdFrom), RetryRule.OnlyIfNotExecuted);
    }

    /// <summary><c>attachRecord</c> by link only: Bitrix24 refuses file uploads inside a batch.</summary>
    public static BatchCommand AttachRecord(string key, AttachRecordRequest request, BatchReference? callIdFrom = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.RecordUrl is null)
        {
            throw new ArgumentException("A recording uploaded as FILE_CONTENT cannot go in a batch (ERROR_BATCH_METHOD_NOT_ALLOWED); send it on its own.", nameof(request));
        }

        return new BatchCommand(key, Bitrix24Methods.AttachRecord, WithCallId(request.ToParams(), callIdFrom), RetryRule.Idempotent);
    }

    private static BitrixParams WithCallId(BitrixParams parameters, BatchReference? callIdFrom) =>
        callIdFrom is null ? parameters : parameters.Set("CALL_ID", callIdFrom);
}
