namespace FsBitrix.Core.Status;

/// <summary>Bitrix24 <c>STATUS_CODE</c> values of <c>telephony.externalCall.finish</c>.</summary>
public static class BitrixStatusCodes
{
    public const string Success = "200";

    /// <summary>Missed: only for inbound calls, where it starts Bitrix24's missed-call workflow.</summary>
    public const string Missed = "304";

    public const string InsufficientFunds = "402";
    public const string Forbidden = "403";
    public const string InvalidNumber = "404";
    public const string Blocked = "423";
    public const string TemporarilyUnavailable = "480";
    public const string DirectionUnavailable = "484";
    public const string Busy = "486";
    public const string ServiceUnavailable = "503";
    public const string Declined = "603";
    public const string Canceled = "603-S";
    public const string Other = "OTHER";
}
