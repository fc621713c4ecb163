using System.Security.Cryptography;

namespace FsBitrix.Sandbox.OAuth;

/// <summary>
/// The local application's grants: access tokens (short, configurable), refresh tokens (180 days, rotated on
/// every use) and authorization codes (30 s). Expired access tokens are kept so the portal can say
/// <c>expired_token</c> rather than "unknown"; expiry is <c>expires &lt;= now</c> on the portal's clock.
/// </summary>
internal sealed class OAuthTokens(TimeProvider time, SandboxOptions options)
{
    public static readonly TimeSpan RefreshLifetime = TimeSpan.FromDays(180);
    public static readonly TimeSpan CodeLifetime = TimeSpan.FromSeconds(30);

    private readonly Lock _gate = new();
    private readonly Dictionary<string, Grant> _access = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Grant> _refresh = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Grant> _codes = new(StringComparer.Ordinal);

    /// <summary>False after the app is uninstalled: the token endpoint answers <c>invalid_client</c>, REST <c>invalid_token</c>.</summary>
    public bool Installed { get; private set; } = true;

    public DateTimeOffset Now => time.GetUtcNow();

    /// <summary>A fresh access + refresh pair for <paramref name="userId"/> (install, code exchange, refresh).</summary>
    public TokenPair IssuePair(int userId)
    {
        lock (_gate)
        {
            Installed = true;
            DateTimeOffset now = Now;
            var pair = new TokenPair(NewToken(), NewToken(), userId, now + options.AccessTokenLifetime);
            _access[pair.AccessToken] = new Grant(userId, pair.Expires);
            _refresh[pair.RefreshToken] = new Grant(userId, now + RefreshLifetime);
            return pair;
        }
    }

    /// <summary>An access token alone: what an online event's <c>auth[access_token]</c> carries for the clicking user.</summary>
    public (string Token, DateTimeOffset Expires) IssueAccess(int userId)
    {
        lock (_gate)
        {
            string token = NewToken();
            DateTimeOffset expires = Now + options.AccessTokenLifetime;
            _access[token] = new Grant(userId, expires);
            return (token, expires);
        }
    }

    public string IssueCode(int userId)
    {
        lock (_gate)
        {
            string code = NewToken();
            _codes[code] = new Grant(userId, Now + CodeLifetime);
            return code;
        }
    }

    /// <summary>Rotates: the old refresh token is used up, a new pair comes back; null = <c>invalid_grant</c>.</summary>
    public TokenPair? Refresh(string refreshToken) => Redeem(_refresh, refreshToken);

    /// <summary>A code is good once, within 30 s; null = <c>invalid_grant</c>.</summary>
    public TokenPair? ExchangeCode(string code) => Redeem(_codes, code);

    public AccessCheck Check(string accessToken)
    {
        lock (_gate)
        {
            if (!Installed || !_access.TryGetValue(accessToken, out Grant? grant))
            {
                return new AccessCheck(AccessState.Unknown, 0);
            }

            return grant.Expires <= Now ? new AccessCheck(AccessState.Expired, grant.UserId) : new AccessCheck(AccessState.Valid, grant.UserId);
        }
    }

    /// <summary>Refuses every refresh token issued so far (the portal dropped them); access tokens live on until expiry.</summary>
    public void RevokeRefreshTokens()
    {
        lock (_gate)
        {
            _refresh.Clear();
            _codes.Clear();
        }
    }

    /// <summary>The app is deleted from the portal: every grant is gone and the client credentials stop working.</summary>
    public void Uninstall()
    {
        lock (_gate)
        {
            Installed = false;
            _access.Clear();
            _refresh.Clear();
            _codes.Clear();
        }
    }

    private TokenPair? Redeem(Dictionary<string, Grant> grants, string token)
    {
        int userId;
        lock (_gate)
        {
            if (!grants.Remove(token, out Grant? grant) || grant.Expires <= Now)
            {
                return null;
            }

            userId = grant.UserId;
        }

        return IssuePair(userId);
    }

    // Bitrix24 tokens are 32 lower-case alphanumerics (e.g. ydtj8pho532wydb5ixk78ol7uqlb7sch); hex keeps them in that class.
    private static string NewToken() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    private sealed record Grant(int UserId, DateTimeOffset Expires);
}

internal sealed record TokenPair(string AccessToken, string RefreshToken, int UserId, DateTimeOffset Expires);

internal enum AccessState
{
    Valid,
    Expired,
    Unknown,
}

internal sealed record AccessCheck(AccessState State, int UserId);
