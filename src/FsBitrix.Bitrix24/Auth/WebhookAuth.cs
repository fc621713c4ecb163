namespace FsBitrix.Bitrix24.Auth;

/// <summary>An incoming webhook: one fixed URL, nothing to renew.</summary>
public sealed class WebhookAuth(WebhookUrl webhook) : IBitrix24Auth
{
    private readonly Bitrix24Credential _credential = new(webhook.BaseUri, null);

    public WebhookUrl Webhook => webhook;

    public string Describe => $"webhook {webhook.Masked}";

    public ValueTask<Bitrix24Credential> CurrentAsync(CancellationToken cancellationToken) => ValueTask.FromResult(_credential);

    public Task<bool> RenewAsync(Bitrix24Credential rejected, CancellationToken cancellationToken) => Task.FromResult(false);

    public string Redact(string? text) => webhook.Redact(text);
}
