namespace FsBitrix.Bitrix24;

/// <summary>
/// An incoming-webhook base URL, <c>https://portal/rest/{user}/{code}/</c>. The code is a password:
/// it is kept out of <see cref="ToString"/> and every text that passes through <see cref="Redact"/>.
/// </summary>
public sealed class WebhookUrl
{
    private const string Mask = "***";
    private readonly string _code;

    private WebhookUrl(Uri baseUri, string portal, int userId, string code)
    {
        BaseUri = baseUri;
        Portal = portal;
        UserId = userId;
        _code = code;
        Masked = $"{baseUri.Scheme}://{baseUri.Authority}/rest/{userId}/{Mask}/";
    }

    /// <summary>The full base URL including the secret; hand it only to the HTTP stack.</summary>
    internal Uri BaseUri { get; }

    /// <summary>Host (and port) of the portal, e.g. <c>company.bitrix24.com</c>.</summary>
    public string Portal { get; }

    /// <summary>The employee on whose behalf the webhook acts.</summary>
    public int UserId { get; }

    /// <summary>The URL with the code replaced by <c>***</c>, safe for logs.</summary>
    public string Masked { get; }

    public static WebhookUrl Parse(string value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value);
        // Exceptions below quote only the shape, never the value: it carries the secret.
        if (!Uri.TryCreate(value.Trim(), UriKind.Absolute, out Uri? uri))
        {
            throw new ArgumentException("Bitrix24 webhook URL is not an absolute URL (expected https://portal/rest/{user}/{code}/).", nameof(value));
        }

        string[] segments = uri.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length != 3 || !segments[0].Equals("rest", StringComparison.OrdinalIgnoreCase)
            || !int.TryParse(segments[1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int userId)
            || userId <= 0)
        {
            throw new ArgumentException($"Bitrix24 webhook URL must look like {uri.Scheme}://{uri.Authority}/rest/{{user}}/{{code}}/.", nameof(value));
        }

        // Bitrix24 answers plain HTTP with INVALID_REQUEST "Https required."; only a loopback sandbox may use it.
        if (uri.Scheme != Uri.UriSchemeHttps && !(uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback))
        {
            throw new ArgumentException($"Bitrix24 webhook URL must use https (plain http is allowed only for loopback), got {uri.Scheme}://{uri.Authority}.", nameof(value));
        }

        string code = segments[2];
        var baseUri = new Uri($"{uri.Scheme}://{uri.Authority}/rest/{userId}/{code}/");
        return new WebhookUrl(baseUri, uri.Authority, userId, code);
    }

    /// <summary>Replaces every occurrence of the webhook code in <paramref name="text"/>.</summary>
    public string Redact(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        return text.Contains(_code, StringComparison.Ordinal) ? text.Replace(_code, Mask, StringComparison.Ordinal) : text;
    }

    public override string ToString() => Masked;
}
