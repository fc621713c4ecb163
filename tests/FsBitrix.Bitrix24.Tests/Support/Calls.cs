using FsBitrix.Bitrix24.Telephony;

namespace FsBitrix.Bitrix24.Tests.Support;

/// <summary>Typical requests with the seeded data: extension 1001 is user 2, +79161234567 is contact 797 of user 3.</summary>
internal static class Calls
{
    public const string KnownCustomer = "+79161234567";

    public static RegisterCallRequest Incoming(string? externalCallId = null, string phone = KnownCustomer, int userId = 2) => new()
    {
        ExternalCallId = externalCallId ?? Guid.NewGuid().ToString(),
        UserId = userId,
        PhoneNumber = phone,
        Type = CallType.Incoming,
        CallStartDate = new DateTimeOffset(2026, 3, 10, 11, 19, 38, TimeSpan.FromHours(3)),
        CrmCreate = true,
        Show = true,
        LineNumber = "74950000000",
    };

    public static FinishCallRequest Finish(string callId, int userId = 2, int duration = 95) => new()
    {
        CallId = callId,
        UserId = userId,
        Duration = duration,
        StatusCode = CallStatusCodes.Success,
        Cost = 1.5m,
        CostCurrency = "RUB",
        Vote = 5,
        AddToChat = true,
    };
}
