using FsBitrix.Configuration;

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

    /// <summary>
    /// <c>webhook</c> (the company's incoming webhook, <see cref="WebhookUrl"/>) or <c>app</c> (a local application
    /// installed on its portal: <see cref="PortalDomain"/>, <see cref="ClientId"/>, <see cref="ClientSecret"/>).
    /// </summary>
    public string Auth { get; set; } = BitrixSettings.WebhookAuth;

    public bool IsAppMode => string.Equals(Auth, BitrixSettings.AppAuth, StringComparison.OrdinalIgnoreCase);

    /// <summary>The company's incoming webhook (never logged).</summary>
    public string? WebhookUrl { get; set; }

    /// <summary>The token the company's outgoing webhook events carry (webhook mode; an app's comes with its install).</summary>
    public string? ApplicationToken { get; set; }

    /// <summary>
    /// The company's portal address, e.g. <c>b.bitrix24.com</c> — <c>Bitrix:Domain</c> of the default portal, named
    /// apart because <see cref="Domain"/> is the FreeSWITCH domain. App mode: required (the install call names its
    /// portal, and only this one's is taken for the company). Webhook mode: when set, events must carry it.
    /// </summary>
    public string? PortalDomain { get; set; }

    /// <summary>When set, the company's events and install must carry this <c>member_id</c>.</summary>
    public string? MemberId { get; set; }

    /// <summary>App mode: the company's local application's <c>client_id</c>.</summary>
    public string? ClientId { get; set; }

    /// <summary>App mode: its <c>client_secret</c> (never logged).</summary>
    public string? ClientSecret { get; set; }

    /// <summary>App mode: the OAuth token endpoint; unset: Bitrix24's.</summary>
    public string? OAuthUrl { get; set; }

    /// <summary>App mode: <c>online</c> (posted to <c>Bitrix:EventsPath</c>) or <c>offline</c> (polled).</summary>
    public string Events { get; set; } = BitrixSettings.OnlineEvents;

    /// <summary>App mode: the company's outgoing lines, added at install.</summary>
    public List<LineSettings> Lines { get; set; } = [];

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
    public FsBitrix.Queues.QueuesSettings Queues { get; set; } = [];

    /// <summary>
    /// The dialplan context of the company's extensions, where a queue's <c>extension:</c> fallback transfers the
    /// caller; unset: the domain (FusionPBX names each domain's context after it).
    /// </summary>
    public string? Context { get; set; }

    /// <summary>The key the outbox files the company's commands under: the domain, in lower case.</summary>
    public string Key => Domain.Trim().ToLowerInvariant();

    /// <summary>
    /// The company's portal settings in the shape the default portal's have: its own auth, keys, domain and lines; the
    /// service's endpoints (install and events paths, public address) and intervals from <paramref name="shared"/>.
    /// </summary>
    public BitrixSettings ToBitrixSettings(BitrixSettings shared)
    {
        ArgumentNullException.ThrowIfNull(shared);
        return new BitrixSettings
        {
            Auth = Auth,
            WebhookUrl = WebhookUrl,
            ApplicationToken = ApplicationToken,
            Domain = PortalDomain,
            MemberId = MemberId,
            ClientId = ClientId,
            ClientSecret = ClientSecret,
            OAuthUrl = OAuthUrl,
            Events = Events,
            Lines = Lines,
            DefaultUserId = DefaultUserId,
            CrmCreate = CrmCreate,
            RateLimitPerSecond = RateLimitPerSecond,
            RateLimitBurst = RateLimitBurst,
            OperatingLimitSeconds = OperatingLimitSeconds,
            InstallPath = shared.InstallPath,
            EventsPath = shared.EventsPath,
            PublicUrl = shared.PublicUrl,
            TokenRefreshAhead = shared.TokenRefreshAhead,
            OfflinePollInterval = shared.OfflinePollInterval,
            BindingsCheckInterval = shared.BindingsCheckInterval,
        };
    }
}

/// <summary><c>FsBitrix:Tenants</c>: the companies that have a portal of their own, in order.</summary>
internal sealed class TenantsSettings : List<TenantSettings>;
