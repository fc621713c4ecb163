namespace FsBitrix.Core.Calls;

/// <summary>The reducer's configuration (the <c>Calls</c> section); immutable, passed in.</summary>
public sealed record CallSettings
{
    /// <summary>Numbers with fewer digits are extensions (internal), longer ones are clients.</summary>
    public int ExternalNumberMinLength { get; init; } = 5;

    /// <summary>Extension-to-extension calls are not shown in Bitrix24.</summary>
    public bool SkipInternalCalls { get; init; } = true;

    /// <summary>
    /// The extension an inbound call is registered for before any agent is offered it (and finished for, if
    /// none ever is). Null: the service registers it for its configured default user.
    /// </summary>
    public string? DefaultUserPhoneInner { get; init; }

    public static CallSettings Default { get; } = new();
}
