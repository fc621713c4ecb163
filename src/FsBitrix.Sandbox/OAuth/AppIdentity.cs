using System.Globalization;

namespace FsBitrix.Sandbox.OAuth;

/// <summary>
/// The addresses and names a local application is told about its portal. The sandbox is portal and OAuth
/// server at once, so <c>client_endpoint</c> and <c>server_endpoint</c> are both its <c>/rest/</c>, and the token
/// URL a client derives from <c>server_endpoint</c>'s host (app-mode notes §3) is its <c>/oauth/token/</c>.
/// </summary>
internal sealed class AppIdentity(Func<Uri> baseUrl, SandboxOptions options)
{
    /// <summary>Comma-separated, as the real payloads send it (the docs say spaces).</summary>
    public const string Scope = "crm,telephony,call,user_basic,user";

    /// <summary><c>L</c>: a local application.</summary>
    public const string Status = "L";

    public string Domain => baseUrl().Authority;

    public string ClientEndpoint => new Uri(baseUrl(), "rest/").AbsoluteUri;

    public string ServerEndpoint => ClientEndpoint;

    public SandboxOptions Options => options;

    public static string Unix(DateTimeOffset at) => at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

    public static string Seconds(TimeSpan span) => ((long)span.TotalSeconds).ToString(CultureInfo.InvariantCulture);
}
