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

    public static BatchCommand Show(string key, string callId, IReadOnlyCollection<int> userIds) =>
        new(key, Bitrix24Methods.Show, Bitrix24Client.CardParams(callId, userIds), RetryRule.Idempotent);

    public static BatchCommand Hide(string key, string callId, IReadOnlyCollection<int> userIds) =>
        new(key, Bitrix24Methods.Hide, Bitrix24Client.CardParams(callId, userIds), RetryRule.Idempotent);
}
