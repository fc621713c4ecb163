using System.Text.Json;
using FsBitrix.Bitrix24.Json;

namespace FsBitrix.Bitrix24.Telephony;

/// <summary>A CRM object bound to or created for a call.</summary>
public sealed record CrmEntity(string EntityType, long EntityId);

/// <summary>Result of <c>register</c>.</summary>
public sealed record RegisteredCall
{
    public required string CallId { get; init; }

    /// <summary>The lead created for this call, if any.</summary>
    public long? CrmCreatedLead { get; init; }

    public IReadOnlyList<CrmEntity> CrmCreatedEntities { get; init; } = [];

    /// <summary>Primary CRM binding; empty when nothing matched.</summary>
    public string CrmEntityType { get; init; } = string.Empty;

    public long? CrmEntityId { get; init; }

    /// <summary>Why a requested lead was not created, e.g. "Lead creation is disabled for local users".</summary>
    public string? LeadCreationError { get; init; }

    internal static RegisteredCall Read(JsonElement result) => new()
    {
        CallId = JsonRead.String(result, "CALL_ID") ?? throw new JsonException("register answered without CALL_ID"),
        CrmCreatedLead = JsonRead.Long(result, "CRM_CREATED_LEAD"),
        CrmCreatedEntities = JsonRead.Property(result, "CRM_CREATED_ENTITIES") is { } list
            ? [.. JsonRead.Items(list).Select(e => new CrmEntity(JsonRead.String(e, "ENTITY_TYPE") ?? string.Empty, JsonRead.Long(e, "ENTITY_ID") ?? 0))]
            : [],
        CrmEntityType = JsonRead.String(result, "CRM_ENTITY_TYPE") ?? string.Empty,
        CrmEntityId = JsonRead.Long(result, "CRM_ENTITY_ID"),
        LeadCreationError = JsonRead.String(result, "LEAD_CREATION_ERROR"),
    };
}
