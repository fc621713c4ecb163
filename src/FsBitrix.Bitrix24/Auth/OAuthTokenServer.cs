using System.Text.Json;
using FsBitrix.Bitrix24.Errors;
using FsBitrix.Bitrix24.Json;
using RestSharp;

namespace FsBitrix.Bitrix24.Auth;

/// <summary>
/// <c>GET {token url}?grant_type=refresh_token&amp;client_id&amp;client_secret&amp;refresh_token</c> (D-RENEW). A 4xx with
/// an <c>error</c> is a refusal only a person can fix; anything else (5xx, HTML, no answer) is worth trying again.
/// </summary>
internal sealed class OAuthTokenServer(OAuthAppOptions options, TimeProvider time, HttpMessageHandler? handler) : IDisposable
{
    public const string Method = "oauth/token";

    private readonly RestClient _rest = new(new RestClientOptions
    {
        Timeout = options.RequestTimeout,
        ThrowOnAnyError = false,
        UserAgent = "FsBitrix",
        FollowRedirects = false,
        ConfigureMessageHandler = handler is null ? null : _ => handler,
    });

    /// <summary>The renewed grant; throws Authorization for a refusal, Transient for a failure to get an answer.</summary>
    public async Task<OAuthGrant> RefreshAsync(OAuthGrant grant, CancellationToken cancellationToken)
    {
        var request = new RestRequest(options.TokenUrlFor(grant))
            .AddQueryParameter("grant_type", "refresh_token")
            .AddQueryParameter("client_id", options.ClientId)
            .AddQueryParameter("client_secret", options.ClientSecret)
            .AddQueryParameter("refresh_token", grant.RefreshToken);
        RestResponse response = await _rest.ExecuteAsync(request, cancellationToken).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        int status = (int)response.StatusCode;
        if (status == 0)
        {
            // No exception text: it may quote the URL, and the URL carries the secret and the refresh token.
            throw new Bitrix24Exception(Method, Bitrix24ErrorKind.Transient, null, string.Empty, "the OAuth server did not answer", mayHaveExecuted: true);
        }

        JsonDocument? document = null;
        try
        {
            document = JsonDocument.Parse(response.RawBytes ?? []);
        }
        catch (JsonException)
        {
            // An HTML error page: only the status says anything.
        }

        using (document)
        {
            JsonElement root = document?.RootElement ?? default;
            string? error = document is null ? null : JsonRead.String(root, "error");
            if (status == 200 && error is null && JsonRead.String(root, "access_token") is { } access && JsonRead.String(root, "refresh_token") is { } refresh)
            {
                long expiresIn = JsonRead.Long(root, "expires_in") ?? 3600;
                return grant with
                {
                    AccessToken = access,
                    RefreshToken = refresh,
                    ExpiresAt = time.GetUtcNow().AddSeconds(expiresIn),
                    Scope = JsonRead.String(root, "scope") ?? grant.Scope,
                };
            }

            string description = (document is null ? null : JsonRead.String(root, "error_description")) ?? $"HTTP {status} without a token";
            bool refused = status is >= 400 and < 500 && error is not null;
            throw new Bitrix24Exception(Method, refused ? Bitrix24ErrorKind.Authorization : Bitrix24ErrorKind.Transient, status,
                error ?? string.Empty, description, mayHaveExecuted: !refused);
        }
    }

    public void Dispose() => _rest.Dispose();
}
