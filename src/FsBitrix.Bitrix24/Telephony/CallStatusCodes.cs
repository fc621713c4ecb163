namespace FsBitrix.Bitrix24.Telephony;

/// <summary>
/// <c>STATUS_CODE</c> values of <c>finish</c>. Always send one: without it Bitrix24 files every unanswered
/// call, outgoing ones included, as a missed incoming call (304).
/// </summary>
public static class CallStatusCodes
{
    public const string Success = "200";
    public const string Missed = "304";
    public const string Declined = "603";
    public const string Canceled = "603-S";
    public const string Forbidden = "403";
    public const string InvalidNumber = "404";
    public const string Busy = "486";
    public const string DirectionUnavailable = "484";
    public const string ServiceUnavailable = "503";
    public const string TemporarilyUnavailable = "480";
    public const string InsufficientFunds = "402";
    public const string Blocked = "423";
    public const string Other = "OTHER";
}
