namespace FsBitrix.Bitrix24.Auth;

/// <summary>
/// What a local application holds for one portal: the token pair and the installation's identity
/// (<c>member_id</c>, <c>application_token</c>). <see cref="ToString"/> leaves the secrets out.
/// </summary>
public sealed record OAuthGrant
{
    public required string AccessToken { get; init; }

    public required string RefreshToken { get; init; }

    /// <summary>Local time the access token stops working, computed from <c>expires_in</c> at receipt (the portal's clock may differ).</summary>
    public required DateTimeOffset ExpiresAt { get; init; }

    /// <summary><c>client_endpoint</c>, e.g. <c>https://portal.bitrix24.com/rest/</c>: where REST calls go.</summary>
    public required Uri ClientEndpoint { get; init; }

    /// <summary><c>server_endpoint</c>, e.g. <c>https://oauth.bitrix.info/rest/</c>.</summary>
    public Uri? ServerEndpoint { get; init; }

    public required string MemberId { get; init; }

    public required string Domain { get; init; }

    /// <summary>What every event of this installation carries in <c>auth[application_token]</c>. A secret.</summary>
    public required string ApplicationToken { get; init; }

    public string Scope { get; init; } = string.Empty;

    public int? UserId { get; init; }

    /// <summary>Set when the OAuth server refused to renew this grant: kept so a restart (and <c>check</c>) knows without asking again.</summary>
    public string? Refusal { get; init; }

    public override string ToString() => $"installation {MemberId} on {Domain}, access token valid until {ExpiresAt:u}";
}

/// <summary>Where the grant survives restarts; saving must be durable before the new pair is used (refresh tokens rotate).</summary>
public interface IOAuthGrantStore
{
    Task<OAuthGrant?> LoadAsync(CancellationToken cancellationToken);

    Task SaveAsync(OAuthGrant grant, CancellationToken cancellationToken);
}
