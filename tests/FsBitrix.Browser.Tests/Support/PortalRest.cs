using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FsBitrix.Sandbox;

namespace FsBitrix.Browser.Tests.Support;

/// <summary>Drives the portal's REST API as FsBitrix does: JSON posts to the incoming webhook.</summary>
internal sealed class PortalRest(SandboxPortal portal) : IDisposable
{
    // Bitrix24 names are sent as written, not camelCased.
    private static readonly System.Text.Json.JsonSerializerOptions AsWritten = new();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };

    public async Task<JsonNode?> CallAsync(string method, object body)
    {
        using HttpResponseMessage response = await _http.PostAsJsonAsync(new Uri(portal.WebhookUrl, method), body, AsWritten);
        JsonObject json = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        Assert.That(response.IsSuccessStatusCode, Is.True, $"{method}: {json.ToJsonString()}");
        return json["result"];
    }

    /// <summary>An inbound call to <paramref name="userId"/>, with no card shown yet.</summary>
    public async Task<string> RegisterInboundAsync(int userId, string phone, bool createCrm = false)
    {
        JsonNode? result = await CallAsync("telephony.externalcall.register", new Dictionary<string, object>
        {
            ["USER_ID"] = userId, ["PHONE_NUMBER"] = phone, ["TYPE"] = 2, ["SHOW"] = 0, ["CRM_CREATE"] = createCrm ? 1 : 0,
        });
        return result!["CALL_ID"]!.GetValue<string>();
    }

    public Task ShowAsync(string callId, int userId) =>
        CallAsync("telephony.externalcall.show", new Dictionary<string, object> { ["CALL_ID"] = callId, ["USER_ID"] = userId });

    public Task HideAsync(string callId, int userId) =>
        CallAsync("telephony.externalcall.hide", new Dictionary<string, object> { ["CALL_ID"] = callId, ["USER_ID"] = userId });

    public Task FinishAsync(string callId, int userId, int duration, string statusCode) =>
        CallAsync("telephony.externalcall.finish", new Dictionary<string, object>
        {
            ["CALL_ID"] = callId, ["USER_ID"] = userId, ["DURATION"] = duration, ["STATUS_CODE"] = statusCode,
        });

    /// <summary>The upload mode of attachRecord: the file travels base64 in FILE_CONTENT.</summary>
    public Task AttachRecordAsync(string callId, string fileName, byte[] content) =>
        CallAsync("telephony.externalcall.attachRecord", new Dictionary<string, object>
        {
            ["CALL_ID"] = callId, ["FILENAME"] = fileName, ["FILE_CONTENT"] = Convert.ToBase64String(content),
        });

    public void Dispose() => _http.Dispose();
}
