using System.Text.Json;
using FsBitrix.Bitrix24.Json;

namespace FsBitrix.Bitrix24.Telephony;

/// <summary>The responsible employee of a CRM entity, as searchCrmEntities describes them.</summary>
public sealed record CrmResponsible(int Id, string? TimemanStatus, string? UserPhoneInner, string? WorkPhone, string? PersonalPhone, string? PersonalMobile);

/// <summary>One result of <c>telephony.externalcall.searchCrmEntities</c>.</summary>
public sealed record CrmEntityMatch(string CrmEntityType, long CrmEntityId, int? AssignedById, string? Name, CrmResponsible? AssignedBy)
{
    internal static CrmEntityMatch Read(JsonElement e)
    {
        CrmResponsible? responsible = JsonRead.Property(e, "ASSIGNED_BY") is { ValueKind: JsonValueKind.Object } a
            ? new CrmResponsible(
                JsonRead.Int(a, "ID") ?? 0,
                JsonRead.String(a, "TIMEMAN_STATUS"),
                JsonRead.String(a, "USER_PHONE_INNER"),
                JsonRead.String(a, "WORK_PHONE"),
                JsonRead.String(a, "PERSONAL_PHONE"),
                JsonRead.String(a, "PERSONAL_MOBILE"))
            : null;
        return new CrmEntityMatch(
            JsonRead.String(e, "CRM_ENTITY_TYPE") ?? string.Empty,
            JsonRead.Long(e, "CRM_ENTITY_ID") ?? 0,
            JsonRead.Int(e, "ASSIGNED_BY_ID"),
            JsonRead.String(e, "NAME"),
            responsible);
    }
}
