using System.Security.Cryptography;
using FsBitrix.Sandbox.Seed;

namespace FsBitrix.Sandbox;

/// <summary>How a <see cref="SandboxPortal"/> starts.</summary>
public sealed class SandboxOptions
{
    /// <summary>Listen URL; port 0 picks a free port. Keep it on loopback.</summary>
    public string Url { get; set; } = "http://127.0.0.1:0";

    /// <summary>The user part of the webhook URL (<c>/rest/{user}/{code}/</c>).</summary>
    public int WebhookUserId { get; set; } = 1;

    /// <summary>The secret part of the webhook URL; random by default.</summary>
    public string WebhookCode { get; set; } = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    public SandboxRateLimit RateLimit { get; set; } = SandboxRateLimit.Standard;

    /// <summary>The per-method execution-time limit; off by default (<see cref="SandboxOperating.Cloud"/> turns it on).</summary>
    public SandboxOperating Operating { get; set; } = new();

    /// <summary>Drives the bucket, CALL_ID timestamps and the 30-minute de-duplication window.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Users and CRM records; null = the shipped default seed.</summary>
    public SandboxSeed? Seed { get; set; }

    /// <summary>The portal server's time zone: dates without an offset are read in it, as <c>strtotime</c> does.</summary>
    public TimeSpan PortalUtcOffset { get; set; } = TimeSpan.FromHours(3);

    /// <summary><c>auth[domain]</c> of events.</summary>
    public string Domain { get; set; } = "sandbox.bitrix24.test";

    /// <summary><c>auth[member_id]</c> of events.</summary>
    public string MemberId { get; set; } = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    /// <summary><c>auth[application_token]</c> of events: what the outgoing webhook's settings page shows.</summary>
    public string ApplicationToken { get; set; } = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    /// <summary>
    /// Where the page's click-to-call sends ONEXTERNALCALLSTART (the service's <c>/bitrix/events</c>); null turns
    /// the page's numbers into an explanation. Read on every click, so it may be set after the portal started.
    /// </summary>
    public Uri? EventHandlerUrl { get; set; }

    /// <summary>The local application's <c>client_id</c> ("application code"), shaped like Bitrix24's.</summary>
    public string ClientId { get; set; } = $"local.{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(7))}.{RandomNumberGenerator.GetInt32(10_000_000, 99_999_999)}";

    /// <summary>The local application's <c>client_secret</c> ("application key").</summary>
    public string ClientSecret { get; set; } = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));

    /// <summary>
    /// Portals shown side by side at <c>/companies</c>, this one first (the demo's two companies on one FreeSWITCH);
    /// empty: no such page.
    /// </summary>
    public IReadOnlyList<Uri> SideBySide { get; set; } = [];

    /// <summary>How long an OAuth access token lives; Bitrix24's is one hour, tests shorten it.</summary>
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromHours(1);
}
