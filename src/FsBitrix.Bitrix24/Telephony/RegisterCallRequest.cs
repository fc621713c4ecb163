using System.Globalization;
using FsBitrix.Bitrix24.Params;

namespace FsBitrix.Bitrix24.Telephony;

/// <summary>Parameters of <c>telephony.externalcall.register</c>. Flags are always sent, never left to defaults.</summary>
public sealed record RegisterCallRequest
{
    /// <summary>
    /// PBX call id (the FreeSWITCH UUID). Required here although optional in Bitrix24: without it two overlapping
    /// calls from one number within 30 minutes share one CALL_ID, and the second finish fails.
    /// </summary>
    public required string ExternalCallId { get; init; }

    /// <summary>Card owner; either this or <see cref="UserPhoneInner"/>.</summary>
    public int? UserId { get; init; }

    /// <summary>Employee extension (<c>UF_PHONE_INNER</c>); either this or <see cref="UserId"/>.</summary>
    public string? UserPhoneInner { get; init; }

    public required string PhoneNumber { get; init; }

    public required CallType Type { get; init; }

    /// <summary>Sent with its offset: Bitrix24 reads a date without one in the portal server's time zone.</summary>
    public required DateTimeOffset CallStartDate { get; init; }

    /// <summary>Create a lead when nothing in the CRM matches the number.</summary>
    public bool CrmCreate { get; init; }

    public string? CrmSource { get; init; }

    /// <summary><c>CONTACT</c>, <c>COMPANY</c> or <c>LEAD</c>; with <see cref="CrmEntityId"/> binds the call to that entity.</summary>
    public string? CrmEntityType { get; init; }

    public long? CrmEntityId { get; init; }

    /// <summary>Show the card to the owner right after registration.</summary>
    public bool Show { get; init; } = true;

    /// <summary>External line (DID); a new number creates the line implicitly.</summary>
    public string? LineNumber { get; init; }

    public long? CallListId { get; init; }

    internal BitrixParams ToParams()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(ExternalCallId);
        ArgumentException.ThrowIfNullOrWhiteSpace(PhoneNumber);
        if (UserId is null && string.IsNullOrWhiteSpace(UserPhoneInner))
        {
            throw new ArgumentException("register needs UserId or UserPhoneInner (Bitrix24: \"USER_ID or USER_PHONE_INNER should be set\").");
        }

        if (!Enum.IsDefined(Type))
        {
            throw new ArgumentOutOfRangeException(nameof(Type), Type, "Unknown TYPE.");
        }

        return new BitrixParams()
            .AddIfNotNull("USER_ID", UserId)
            .AddIfNotNull("USER_PHONE_INNER", UserPhoneInner)
            .Add("PHONE_NUMBER", PhoneNumber)
            .Add("TYPE", (long)Type)
            .Add("CALL_START_DATE", FormatDate(CallStartDate))
            .AddFlag("CRM_CREATE", CrmCreate)
            .AddIfNotNull("CRM_SOURCE", CrmSource)
            .AddIfNotNull("CRM_ENTITY_TYPE", CrmEntityType)
            .AddIfNotNull("CRM_ENTITY_ID", CrmEntityId)
            .AddFlag("SHOW", Show)
            .AddIfNotNull("LINE_NUMBER", LineNumber)
            .AddIfNotNull("CALL_LIST_ID", CallListId)
            .Add("EXTERNAL_CALL_ID", ExternalCallId);
    }

    internal static string FormatDate(DateTimeOffset value) =>
        value.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
}
