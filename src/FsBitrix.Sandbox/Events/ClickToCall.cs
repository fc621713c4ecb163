namespace FsBitrix.Sandbox.Events;

/// <summary>A rep clicking a phone number in the CRM.</summary>
public sealed record ClickToCall(int UserId, string PhoneNumber)
{
    /// <summary>The entity whose number was clicked; when null the portal binds by phone.</summary>
    public string? CrmEntityType { get; init; }

    public long? CrmEntityId { get; init; }

    /// <summary>Empty for the webhook's <c>REST_APP:0</c> pseudo-line, which is what an outgoing webhook gets.</summary>
    public string LineNumber { get; init; } = string.Empty;

    public long CallListId { get; init; }

    /// <summary>The line's <c>CRM_AUTO_CREATE</c>, default Y.</summary>
    public bool CrmAutoCreate { get; init; } = true;

    public bool IsMobile { get; init; }
}

/// <summary>A visitor filling the CRM callback form.</summary>
public sealed record CallbackRequest(string PhoneNumber)
{
    public string Text { get; init; } = "A callback has been ordered from the website, I am connecting you with the customer";

    public string Voice { get; init; } = "ruinternalfemale";

    public string CrmEntityType { get; init; } = "CONTACT";

    public long CrmEntityId { get; init; }

    public string LineNumber { get; init; } = string.Empty;
}

/// <summary>What the portal sent and what the handler answered (null status: it could not be reached).</summary>
public sealed record SentEvent(string Event, string? CallId, IReadOnlyList<KeyValuePair<string, string>> Fields, int? HandlerStatus, string? DeliveryError);
