namespace FsBitrix.Bitrix24.Auth;

/// <summary>The local application's keys and how it renews tokens.</summary>
public sealed class OAuthAppOptions
{
    /// <summary>Bitrix24's public OAuth server (English docs); <c>oauth.bitrix24.tech</c> serves the other region.</summary>
    public static readonly Uri DefaultTokenUrl = new("https://oauth.bitrix.info/oauth/token/");

    private static readonly string[] KnownOAuthHosts = ["oauth.bitrix.info", "oauth.bitrix24.tech"];

    /// <summary><c>client_id</c> ("application code"), e.g. <c>local.5c8bb1b0891cf2.87252039</c>.</summary>
    public string ClientId { get; set; } = string.Empty;

    /// <summary><c>client_secret</c> ("application key"). Sent only to the OAuth server, never logged.</summary>
    public string ClientSecret { get; set; } = string.Empty;

    /// <summary>Token endpoint; null: the host of the installation's <c>server_endpoint</c> when it is a known Bitrix24 OAuth server, else <see cref="DefaultTokenUrl"/>.</summary>
    public Uri? TokenUrl { get; set; }

    /// <summary>
    /// An access token this close to its expiry is renewed before the call instead of after an
    /// <c>expired_token</c>: one refresh per hour of traffic either way, without the failed request.
    /// </summary>
    public TimeSpan RefreshAhead { get; set; } = TimeSpan.FromMinutes(2);

    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// The token URL for a grant. <c>server_endpoint</c> arrives in an install call we cannot fully trust yet, and
    /// the refresh carries <c>client_secret</c>: so only Bitrix24's own OAuth hosts are taken from it.
    /// </summary>
    public Uri TokenUrlFor(OAuthGrant grant) =>
        TokenUrl ?? (grant.ServerEndpoint is { } server && KnownOAuthHosts.Contains(server.Host, StringComparer.OrdinalIgnoreCase)
            ? new Uri($"https://{server.Host}/oauth/token/")
            : DefaultTokenUrl);
}
