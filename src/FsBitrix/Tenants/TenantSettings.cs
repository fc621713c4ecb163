namespace FsBitrix.Tenants;

/// <summary>
/// One company of a shared FreeSWITCH (<c>FsBitrix:Tenants:N</c>): the FreeSWITCH domain its calls carry and the
/// Bitrix24 portal they go to. Environment form: <c>FsBitrix__Tenants__0__Domain</c>, <c>FsBitrix__Tenants__0__WebhookUrl</c>,
/// <c>FsBitrix__Tenants__0__Users__1001</c>. Calls of no listed domain go to the default portal (<c>FsBitrix:Bitrix</c>).
/// </summary>
internal sealed class TenantSettings
{
    /// <summary>The FreeSWITCH domain (FusionPBX's domain name): <c>domain_name</c> of its calls, <c>user/1001@domain</c>.</summary>
    public string Domain { get; set; } = string.Empty;

    /// <summary>Only <c>webhook</c> so far: a local application per company needs an install store per portal.</summary>
    public string Auth { get; set; } = Configuration.BitrixSettings.WebhookAuth;

    /// <summary>The company's incoming webhook (never logged).</summary>
    public string? WebhookUrl { get; set; }

    /// <summary>The token the company's outgoing webhook events carry.</summary>
    public string? ApplicationToken { get; set; }

    /// <summary>The company's own extension → Bitrix24 user map; extensions not listed are read with user.get from its portal.</summary>
    public Dictionary<string, int> Users { get; set; } = [];

    /// <summary>Owner of the company's inbound calls before an employee is known.</summary>
    public int DefaultUserId { get; set; } = 1;

    public bool CrmCreate { get; set; } = true;

    /// <summary>Requests per second the company's portal drains (Bitrix24 limits each portal on its own); 0 = no limit.</summary>
    public double RateLimitPerSecond { get; set; } = 2;

    public int RateLimitBurst { get; set; } = 50;

    /// <summary>As <c>Bitrix:OperatingLimitSeconds</c>, for this company's portal.</summary>
    public double OperatingLimitSeconds { get; set; } = 480;

    /// <summary>
    /// The company's own queues (<c>FsBitrix:Tenants:N:Queues:support</c>), rung over the socket application for calls
    /// of its domain: agents are its extensions (<c>user/1001@domain</c>) or its portal's users (<c>user:7</c>).
    /// </summary>
    public Dictionary<string, FsBitrix.Queues.QueueSettings> Queues { get; set; } = [];

    /// <summary>
    /// The dialplan context of the company's extensions, where a queue's <c>extension:</c> fallback transfers the
    /// caller; unset: the domain (FusionPBX names each domain's context after it).
    /// </summary>
    public string? Context { get; set; }

    /// <summary>The key the outbox files the company's commands under: the domain, in lower case.</summary>
    public string Key => Domain.Trim().ToLowerInvariant();
}
