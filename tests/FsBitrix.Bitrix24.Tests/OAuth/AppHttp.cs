using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FsBitrix.Bitrix24.Tests.Support;
using FsBitrix.Sandbox;

namespace FsBitrix.Bitrix24.Tests.OAuth;

/// <summary>The local application's side of the wire, in plain HTTP: token endpoint and token-authenticated REST.</summary>
internal static class AppHttp
{
    public static Task<(HttpStatusCode Status, JsonObject Body)> TokenGetAsync(SandboxPortal portal, params (string Key, string Value)[] query) =>
        Raw.GetAsync(new Uri(portal.App.TokenUrl, "?" + string.Join('&', query.Select(q => $"{q.Key}={Uri.EscapeDataString(q.Value)}"))));

    public static Task<(HttpStatusCode Status, JsonObject Body)> TokenPostAsync(SandboxPortal portal, params (string Key, string Value)[] form) =>
        Raw.SendAsync(new HttpRequestMessage(HttpMethod.Post, portal.App.TokenUrl)
        {
            Content = new FormUrlEncodedContent(form.Select(f => new KeyValuePair<string, string>(f.Key, f.Value))),
        });

    public static Task<(HttpStatusCode Status, JsonObject Body)> RefreshAsync(SandboxPortal portal, string refreshToken) =>
        TokenGetAsync(portal, ("grant_type", "refresh_token"), ("client_id", portal.App.ClientId), ("client_secret", portal.App.ClientSecret), ("refresh_token", refreshToken));

    /// <summary>The full OAuth flow's last step: the admin's code exchanged for the first pair.</summary>
    public static async Task<(string Access, string Refresh)> AuthorizeAsync(SandboxPortal portal)
    {
        (HttpStatusCode status, JsonObject body) = await TokenPostAsync(portal,
            ("grant_type", "authorization_code"), ("client_id", portal.App.ClientId), ("client_secret", portal.App.ClientSecret), ("code", portal.App.IssueAuthorizationCode()));
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), body.ToJsonString());
        return (body["access_token"]!.GetValue<string>(), body["refresh_token"]!.GetValue<string>());
    }

    /// <summary><c>POST {client_endpoint}{method}</c> with <c>auth</c> in the JSON body.</summary>
    public static Task<(HttpStatusCode Status, JsonObject Body)> CallAsync(SandboxPortal portal, string token, string method, JsonObject? parameters = null)
    {
        JsonObject body = parameters ?? [];
        body["auth"] = token;
        return Raw.SendAsync(new HttpRequestMessage(HttpMethod.Post, new Uri(portal.App.ClientEndpoint, method)) { Content = JsonContent.Create(body) });
    }

    /// <summary><c>GET {client_endpoint}{method}?auth=…</c>, the docs' first example.</summary>
    public static Task<(HttpStatusCode Status, JsonObject Body)> CallQueryAsync(SandboxPortal portal, string token, string method) =>
        Raw.GetAsync(new Uri(portal.App.ClientEndpoint, $"{method}?auth={token}"));

    public static JsonObject Incoming(string externalCallId) => new()
    {
        ["USER_ID"] = 2,
        ["PHONE_NUMBER"] = "+79161234567",
        ["TYPE"] = 2,
        ["LINE_NUMBER"] = "100",
        ["EXTERNAL_CALL_ID"] = externalCallId,
    };
}
