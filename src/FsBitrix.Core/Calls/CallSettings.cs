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

    /// <summary>
    /// A call with no event for this long is ended from what is known (<see cref="CallReducer.Expire"/>). Events come
    /// at ringing, answer, transfer and hangup, but not while people talk: keep it above the longest call expected,
    /// since a live call expired early is finished early and its own hangup is then ignored.
    /// </summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromHours(4);

    /// <summary>
    /// Several companies share the switch (tenants): a call's first commands (register, the caller's card) wait until
    /// the call says its FreeSWITCH domain — the caller's <c>domain_name</c> or a rung employee's domain — or until
    /// another command is due, so that they go to the right company's portal. A DID sets <c>domain_name</c> just
    /// after the caller's leg is created, so the wait is milliseconds.
    /// </summary>
    public bool HoldUntilDomain { get; init; }

    /// <summary>
    /// The FreeSWITCH domains that have a company (a portal) of their own, lower case; every other domain is the default
    /// company's. Two domains of one company are one company: an employee is another company's only across companies.
    /// </summary>
    public IReadOnlySet<string> TenantDomains { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    public static CallSettings Default { get; } = new();
}
