namespace FsBitrix.Bitrix24.Auth;

/// <summary>One access token as it is, never renewed: for checking tokens before they are trusted (an install call).</summary>
public sealed class AccessTokenAuth(Uri clientEndpoint, string accessToken) : IBitrix24Auth
{
    private readonly Bitrix24Credential _credential = new(clientEndpoint, accessToken);

    public string Describe => $"access token for {clientEndpoint.Authority}";

    public ValueTask<Bitrix24Credential> CurrentAsync(CancellationToken cancellationToken) => ValueTask.FromResult(_credential);

    public Task<bool> RenewAsync(Bitrix24Credential rejected, CancellationToken cancellationToken) => Task.FromResult(false);

    public string Redact(string? text) => string.IsNullOrEmpty(text) ? string.Empty : text.Replace(accessToken, "***", StringComparison.Ordinal);
}
