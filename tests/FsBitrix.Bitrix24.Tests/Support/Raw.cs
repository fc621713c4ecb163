using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FsBitrix.Sandbox;

namespace FsBitrix.Bitrix24.Tests.Support;

/// <summary>Plain HTTP to the sandbox, for pinning its wire behaviour without the client in between.</summary>
internal static class Raw
{
    private static readonly HttpClient Http = new();

    // Bitrix24 names are sent as written: no camelCase policy.
    private static readonly System.Text.Json.JsonSerializerOptions AsWritten = new();

    public static Task<(HttpStatusCode Status, JsonObject Body)> PostJsonAsync(SandboxPortal portal, string method, object body) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Post, new Uri(portal.WebhookUrl, method)) { Content = JsonContent.Create(body, options: AsWritten) });

    public static Task<(HttpStatusCode Status, JsonObject Body)> PostFormAsync(SandboxPortal portal, string method, params (string Key, string Value)[] fields) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Post, new Uri(portal.WebhookUrl, method))
        {
            Content = new FormUrlEncodedContent(fields.Select(f => new KeyValuePair<string, string>(f.Key, f.Value))),
        });

    public static Task<(HttpStatusCode Status, JsonObject Body)> GetAsync(Uri url) => SendAsync(new HttpRequestMessage(HttpMethod.Get, url));

    public static async Task<(HttpStatusCode Status, JsonObject Body)> SendAsync(HttpRequestMessage request)
    {
        using (request)
        {
            using HttpResponseMessage response = await Http.SendAsync(request);
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/json"));
            return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject());
        }
    }

    public static async Task<string> RegisterAsync(SandboxPortal portal, object body)
    {
        (HttpStatusCode status, JsonObject json) = await PostJsonAsync(portal, "telephony.externalcall.register", body);
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), json.ToJsonString());
        return json["result"]!["CALL_ID"]!.GetValue<string>();
    }
}
