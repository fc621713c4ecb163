namespace FsBitrix.Bitrix24.Auth;

/// <summary>
/// Where a REST call goes and what proves who sends it: an incoming webhook (the secret is in the URL) or a local
/// application's OAuth access token. The client asks before every attempt, so a token renewed meanwhile is used
/// by the next attempt; limiter, retries and batch do not know which one is in use.
/// </summary>
public interface IBitrix24Auth
{
    /// <summary>Safe for logs and messages: never a secret.</summary>
    string Describe { get; }

    /// <summary>The credential to send now; throws <see cref="Errors.Bitrix24Exception"/> (Authorization) when there is none.</summary>
    ValueTask<Bitrix24Credential> CurrentAsync(CancellationToken cancellationToken);

    /// <summary>
    /// The portal said <c>expired_token</c> (or <c>invalid_token</c>) to <paramref name="rejected"/>. True when a
    /// different credential is ready to try once more; false when renewing cannot help (a webhook).
    /// </summary>
    Task<bool> RenewAsync(Bitrix24Credential rejected, CancellationToken cancellationToken);

    /// <summary>Removes every secret this auth knows from <paramref name="text"/>.</summary>
    string Redact(string? text);
}

/// <summary>
/// <paramref name="Endpoint"/> is what the method name is appended to (<c>…/rest/{user}/{code}/</c> or
/// <c>client_endpoint</c>); <paramref name="AccessToken"/>, when set, goes along as <c>auth</c>.
/// </summary>
public sealed record Bitrix24Credential(Uri Endpoint, string? AccessToken)
{
    public override string ToString() => AccessToken is null ? "webhook credential" : $"access token for {Endpoint.Authority}";
}
