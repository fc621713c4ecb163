using FsBitrix.Core.Calls;

namespace FsBitrix.Configuration;

/// <summary>
/// The <c>FsBitrix</c> configuration section (appsettings.json; every key can be overridden by an environment
/// variable such as <c>FsBitrix__Esl__Host</c>). Names are the contract in DESIGN.md. At run time each feature takes
/// only its own section, bound and validated on its own (<see cref="OptionsComposition"/>); this whole shape is what
/// the composition reads to decide which parts exist, what <c>check</c> validates, and what the demo and tests set.
/// </summary>
internal sealed class FsBitrixOptions
{
    public const string Section = "FsBitrix";

    public EslSettings Esl { get; set; } = new();

    public BitrixSettings Bitrix { get; set; } = new();

    public HttpSettings Http { get; set; } = new();

    public StorageSettings Storage { get; set; } = new();

    public RecordingSettings Recordings { get; set; } = new();

    /// <summary>The admin's status page at <c>/</c>.</summary>
    public FsBitrix.Status.StatusSettings Status { get; set; } = new();

    /// <summary>Extension → Bitrix24 user id; extensions not listed are looked up with user.get by UF_PHONE_INNER.</summary>
    public UsersSettings Users { get; set; } = [];

    public DialSettings Dial { get; set; } = new();

    public CallsSettings Calls { get; set; } = new();

    public FsBitrix.ClickToCall.ClickToCallSettings ClickToCall { get; set; } = new();

    /// <summary>Call queues by name (the dialplan's <c>fsbitrix_queue</c>), driven over the outbound socket.</summary>
    public FsBitrix.Queues.QueuesSettings Queues { get; set; } = [];

    /// <summary>
    /// Several companies on one FreeSWITCH, one domain and one Bitrix24 portal each. The top-level <c>Bitrix</c> and
    /// <c>Users</c> stay the default company (calls whose domain no entry names).
    /// </summary>
    public FsBitrix.Tenants.TenantsSettings Tenants { get; set; } = [];

    /// <summary>FreeSWITCH's CDRs (mod_xml_cdr): calls not seen live reach Bitrix24 from them.</summary>
    public FsBitrix.Cdr.CdrSettings Cdr { get; set; } = new();

    /// <summary>The client's owner for any dialplan (<c>fsbitrix_lookup=owner</c> on the socket).</summary>
    public FsBitrix.OwnerLookup.OwnerLookupSettings OwnerLookup { get; set; } = new();

    /// <summary>Whether any company (the default one or one of <see cref="Tenants"/>) has queues of its own.</summary>
    public bool HasQueues => Queues.Count > 0 || Tenants.Any(t => t.Queues.Count > 0);

    /// <summary>Every company's queues: the default company's, then each tenant's.</summary>
    public IEnumerable<FsBitrix.Queues.QueueSettings> EveryQueue => Queues.Values.Concat(Tenants.SelectMany(t => t.Queues.Values));

    /// <summary>The rules' settings with the companies of <see cref="Tenants"/> (<see cref="CallsSettings.For"/>).</summary>
    public CallSettings CallSettings() => Calls.For(Tenants);
}

/// <summary><c>FsBitrix:Users</c>: extension → Bitrix24 user id of the default portal.</summary>
internal sealed class UsersSettings : Dictionary<string, int>;

internal sealed class EslSettings
{
    public string Host { get; set; } = "127.0.0.1";

    public int Port { get; set; } = 8021;

    /// <summary>Never logged.</summary>
    public string Password { get; set; } = "ClueCon";

    /// <summary>Where the dialplan's <c>socket</c> application connects (queues).</summary>
    public string OutboundListen { get; set; } = "127.0.0.1:8084";

    /// <summary><c>plain</c> or <c>json</c>.</summary>
    public string EventFormat { get; set; } = "plain";

    /// <summary>How logs, health and metrics name the one node; unset: <c>host:port</c>.</summary>
    public string? Name { get; set; }

    /// <summary>
    /// Several FreeSWITCH nodes, each its own event socket (<c>Esl:Nodes:0:Name</c>, <c>Host</c>, <c>Port</c>,
    /// <c>Password</c>); one service follows them all. When set, <see cref="Host"/>, <see cref="Port"/> and
    /// <see cref="Password"/> above are not used. The first node is where a click-to-call goes when the rep's phone is
    /// registered on none (<c>ClickToCall:Node</c> names another).
    /// </summary>
    public List<EslNodeSettings> Nodes { get; set; } = [];

    /// <summary>The nodes followed: <see cref="Nodes"/>, or the one node of <see cref="Host"/> and <see cref="Port"/>.</summary>
    public IReadOnlyList<EslNodeSettings> EffectiveNodes() => Nodes.Count > 0
        ? [.. Nodes.Select(n => n with { Name = n.Name is { Length: > 0 } ? n.Name : $"{n.Host}:{n.Port}" })]
        : [new EslNodeSettings { Name = Name is { Length: > 0 } ? Name : $"{Host}:{Port}", Host = Host, Port = Port, Password = Password }];
}

/// <summary>One FreeSWITCH node of <c>Esl:Nodes</c>.</summary>
internal sealed record EslNodeSettings
{
    /// <summary>How logs, health, metrics and <c>ClickToCall:Node</c> name it, e.g. <c>fs1</c>.</summary>
    public string Name { get; set; } = string.Empty;

    public string Host { get; set; } = "127.0.0.1";

    public int Port { get; set; } = 8021;

    /// <summary>Never logged.</summary>
    public string Password { get; set; } = "ClueCon";
}

internal sealed class BitrixSettings
{
    public const string WebhookAuth = "webhook";
    public const string AppAuth = "app";
    public const string OnlineEvents = "online";
    public const string OfflineEvents = "offline";

    /// <summary><c>webhook</c> (an incoming webhook) or <c>app</c> (a server-side local application, OAuth).</summary>
    public string Auth { get; set; } = WebhookAuth;

    public bool IsAppMode => string.Equals(Auth, AppAuth, StringComparison.OrdinalIgnoreCase);

    /// <summary>Incoming webhook, e.g. https://portal.bitrix24.com/rest/1/secret/ (the secret is never logged).</summary>
    public string? WebhookUrl { get; set; }

    /// <summary>App mode: the local application's <c>client_id</c> ("application code").</summary>
    public string? ClientId { get; set; }

    /// <summary>App mode: the local application's <c>client_secret</c> ("application key"). Never logged.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>App mode: the OAuth token endpoint; unset: Bitrix24's (<c>https://oauth.bitrix.info/oauth/token/</c>, or the region's the install names).</summary>
    public string? OAuthUrl { get; set; }

    /// <summary>App mode: renew the access token when it has less than this left.</summary>
    public TimeSpan TokenRefreshAhead { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>App mode: where the portal's install call (ONAPPINSTALL) arrives.</summary>
    public string InstallPath { get; set; } = "/bitrix/install";

    /// <summary>App mode, online events: this service's address as Bitrix24 reaches it; unset: the address the install call came to.</summary>
    public string? PublicUrl { get; set; }

    /// <summary>App mode: <c>online</c> (Bitrix24 posts events to <see cref="EventsPath"/>) or <c>offline</c> (the service polls them).</summary>
    public string Events { get; set; } = OnlineEvents;

    public bool IsOfflineEvents => string.Equals(Events, OfflineEvents, StringComparison.OrdinalIgnoreCase);

    /// <summary>Offline events: how often <c>event.offline.get</c> is asked.</summary>
    public TimeSpan OfflinePollInterval { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>App mode: how often the event bindings and lines are checked and put back (also at start-up).</summary>
    public TimeSpan BindingsCheckInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>App mode: outgoing lines registered with <c>telephony.externalLine.add</c> at install.</summary>
    public List<LineSettings> Lines { get; set; } = [];

    /// <summary>The token OnExternalCallStart events must carry.</summary>
    public string? ApplicationToken { get; set; }

    /// <summary>Where Bitrix24's outgoing webhook posts events (OnExternalCallStart, OnExternalCallBackStart).</summary>
    public string EventsPath { get; set; } = "/bitrix/events";

    /// <summary>When set, events must carry this <c>auth[domain]</c> (e.g. yourportal.bitrix24.com).</summary>
    public string? Domain { get; set; }

    /// <summary>When set, events must carry this <c>auth[member_id]</c>.</summary>
    public string? MemberId { get; set; }

    /// <summary>Owner of inbound calls before an agent is known.</summary>
    public int DefaultUserId { get; set; } = 1;

    public bool CrmCreate { get; set; } = true;

    /// <summary>Requests per second the portal drains (2 standard, 5 Enterprise); 0 = no limit (sandbox only).</summary>
    public double RateLimitPerSecond { get; set; } = 2;

    public int RateLimitBurst { get; set; } = 50;

    /// <summary>
    /// The portal's execution-time limit per method per ten minutes, in seconds (cloud: 480). A method close to it waits
    /// for the portal's oldest minute to be released rather than be blocked with <c>429 OPERATION_TIME_LIMIT</c>.
    /// </summary>
    public double OperatingLimitSeconds { get; set; } = 480;
}

internal sealed class LineSettings
{
    public string Number { get; set; } = string.Empty;

    public string? Name { get; set; }
}

internal sealed class HttpSettings
{
    public string Urls { get; set; } = "http://127.0.0.1:8085";
}

internal sealed class StorageSettings
{
    /// <summary><c>sqlite</c> (one box, the default) or <c>postgres</c> (several instances on one database, docs/SCALING.md).</summary>
    public string Provider { get; set; } = "sqlite";

    /// <summary>For <c>sqlite</c>: the database file.</summary>
    public string Path { get; set; } = "./data/fsbitrix.db";

    /// <summary>For <c>postgres</c>: an Npgsql connection string, e.g. <c>Host=db;Database=fsbitrix;Username=fsbitrix;Password=…</c>.</summary>
    public string? ConnectionString { get; set; }

    public bool IsPostgres => string.Equals(Provider, "postgres", StringComparison.OrdinalIgnoreCase);

    /// <summary>How long delivered commands and ended calls stay in the database (for diagnosis) before they are deleted.</summary>
    public TimeSpan KeepDeliveredFor { get; set; } = TimeSpan.FromDays(7);
}

internal sealed class RecordingSettings
{
    /// <summary><c>upload</c> (attachRecord with the file) or <c>url</c> (a signed, expiring link to this service).</summary>
    public string Mode { get; set; } = "upload";

    /// <summary>How long to wait for FreeSWITCH to finish writing a recording.</summary>
    public TimeSpan MaxWait { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>For <c>url</c> mode: this service's address as Bitrix24 can reach it, e.g. https://pbx.example.com:8085/</summary>
    public string? PublicUrl { get; set; }

    /// <summary>For <c>url</c> mode: how long a recording link works.</summary>
    public TimeSpan LinkLifetime { get; set; } = TimeSpan.FromDays(7);

    /// <summary>
    /// <c>mp3</c> or <c>wav</c>; unset: MP3 when the encoder is present. WAV is about 1 MB a minute of a portal's Drive,
    /// MP3 an eighth of it.
    /// </summary>
    public string? Format { get; set; }

    /// <summary>FFmpeg: a path, or a name looked up on PATH.</summary>
    public string Encoder { get; set; } = "ffmpeg";

    /// <summary>Encodes at once (each one thread, below normal priority).</summary>
    public int ParallelEncodes { get; set; } = 1;

    /// <summary>MP3 bit rate per channel, kbit/s (8 kHz MPEG-2.5 allows 8…64).</summary>
    public int Mp3KbpsPerChannel { get; set; } = 16;

    /// <summary>Longest an encode may take before the WAV is sent instead.</summary>
    public TimeSpan EncodeTimeout { get; set; } = TimeSpan.FromMinutes(5);

    public bool WantsMp3 => Format is null or "" || string.Equals(Format, "mp3", StringComparison.OrdinalIgnoreCase);
}

internal sealed class DialSettings
{
    public string Extension { get; set; } = "user/{extension}";

    public string External { get; set; } = "sofia/gateway/default/{number}";
}

internal sealed class CallsSettings
{
    public int ExternalNumberMinLength { get; set; } = 5;

    public bool SkipInternalCalls { get; set; } = true;

    public CallSettings ToCallSettings() => new()
    {
        ExternalNumberMinLength = ExternalNumberMinLength,
        SkipInternalCalls = SkipInternalCalls,
    };

    /// <summary>
    /// The rules' settings with the companies of <c>FsBitrix:Tenants</c>: the call reducer and queue presence both need
    /// to know which domains are another company.
    /// </summary>
    public CallSettings For(IReadOnlyCollection<FsBitrix.Tenants.TenantSettings> tenants) => ToCallSettings() with
    {
        HoldUntilDomain = tenants.Count > 0,
        TenantDomains = tenants.Select(t => t.Key).ToHashSet(StringComparer.Ordinal),
    };
}
