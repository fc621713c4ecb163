namespace FsBitrix.Sandbox.State;

/// <summary>An employee of the sandbox portal.</summary>
public sealed record SandboxUser(
    int Id,
    string Name,
    string LastName,
    string Email,
    bool Active,
    string? UfPhoneInner,
    string UserType = "employee",
    string? PersonalMobile = null,
    string? WorkPhone = null,
    string TimemanStatus = "OPENED");

/// <summary>A contact, company or lead; <see cref="EntityType"/> is CONTACT, COMPANY or LEAD.</summary>
public sealed record SandboxCrmEntity(
    string EntityType,
    long Id,
    string Name,
    IReadOnlyList<string> Phones,
    int AssignedById,
    string? CreatedByCallId = null,
    string? SourceId = null);

/// <summary>A registered call that has not been finished yet.</summary>
public sealed record SandboxLiveCall(
    string CallId,
    string? ExternalCallId,
    int UserId,
    string PhoneNumber,
    int Type,
    string? LineNumber,
    DateTimeOffset CallStartDate,
    DateTimeOffset RegisteredAt,
    string CrmEntityType,
    long? CrmEntityId,
    long? CrmCreatedLead,
    bool PortalCall,
    string? LeadCreationError,
    bool StartedByClickToCall);

/// <summary>A file attached to a finished call, kept in memory so tests and the demo can fetch it.</summary>
public sealed record SandboxRecording(long FileId, string FileName, byte[] Content, string? SourceUrl, DateTimeOffset AttachedAt);

/// <summary>The statistics row that finish writes.</summary>
public sealed record SandboxFinishedCall(
    long Id,
    string CallId,
    string? ExternalCallId,
    int UserId,
    string PhoneNumber,
    string PortalNumber,
    int Type,
    int Duration,
    string StatusCode,
    int CallStatus,
    double Cost,
    string CostCurrency,
    string FailedReason,
    int? Vote,
    bool AddToChat,
    string? RecordUrl,
    string CrmEntityType,
    long? CrmEntityId,
    long? CrmActivityId,
    DateTimeOffset CallStartDate,
    DateTimeOffset FinishedAt,
    SandboxRecording? Recording);

/// <summary>
/// One REST request as the portal saw it (parameters as JSON); <c>At</c> is when it arrived. Each command of a
/// <c>batch</c> is logged too, <paramref name="InBatch"/>, before the batch request itself: what the portal ran, method
/// by method, whichever way it was asked.
/// </summary>
public sealed record SandboxRequest(DateTimeOffset At, string Method, int Status, string Error, string Parameters, bool InBatch = false);

/// <summary>What just changed in the portal; raised after the change is visible in the state.</summary>
public sealed record SandboxChange(string Kind, string? CallId);
