using System.Text.Json;
using FsBitrix.Bitrix24.Json;

namespace FsBitrix.Bitrix24.Telephony;

/// <summary>The statistics record that <c>finish</c> returns.</summary>
public sealed record FinishedCall
{
    public required string CallId { get; init; }

    public string? ExternalCallId { get; init; }

    public int? PortalUserId { get; init; }

    public string? PhoneNumber { get; init; }

    /// <summary>Line number, or <c>REST_APP:&lt;id&gt;</c> when no line was given.</summary>
    public string? PortalNumber { get; init; }

    /// <summary>The call TYPE.</summary>
    public int? Incoming { get; init; }

    public int CallDuration { get; init; }

    /// <summary>1 when DURATION was above zero, else 0, whatever the status code.</summary>
    public int CallStatus { get; init; }

    public int? CallVote { get; init; }

    public double Cost { get; init; }

    public string CostCurrency { get; init; } = string.Empty;

    public string? CallFailedCode { get; init; }

    public string? CallFailedReason { get; init; }

    public long? CrmActivityId { get; init; }

    public string? CrmEntityType { get; init; }

    public long? CrmEntityId { get; init; }

    /// <summary>Statistics row id.</summary>
    public long? Id { get; init; }

    internal static FinishedCall Read(JsonElement r) => new()
    {
        CallId = JsonRead.String(r, "CALL_ID") ?? string.Empty,
        ExternalCallId = JsonRead.String(r, "EXTERNAL_CALL_ID"),
        PortalUserId = JsonRead.Int(r, "PORTAL_USER_ID"),
        PhoneNumber = JsonRead.String(r, "PHONE_NUMBER"),
        PortalNumber = JsonRead.String(r, "PORTAL_NUMBER"),
        Incoming = JsonRead.Int(r, "INCOMING"),
        CallDuration = JsonRead.Int(r, "CALL_DURATION") ?? 0,
        CallStatus = JsonRead.Int(r, "CALL_STATUS") ?? 0,
        CallVote = JsonRead.Int(r, "CALL_VOTE"),
        Cost = JsonRead.Double(r, "COST") ?? 0,
        CostCurrency = JsonRead.String(r, "COST_CURRENCY") ?? string.Empty,
        CallFailedCode = JsonRead.String(r, "CALL_FAILED_CODE"),
        CallFailedReason = JsonRead.String(r, "CALL_FAILED_REASON"),
        CrmActivityId = JsonRead.Long(r, "CRM_ACTIVITY_ID"),
        CrmEntityType = JsonRead.String(r, "CRM_ENTITY_TYPE"),
        CrmEntityId = JsonRead.Long(r, "CRM_ENTITY_ID"),
        Id = JsonRead.Long(r, "ID"),
    };
}
