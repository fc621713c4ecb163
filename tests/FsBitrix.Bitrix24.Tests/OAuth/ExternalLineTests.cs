using System.Net;
using System.Text.Json.Nodes;
using FsBitrix.Bitrix24.Tests.Support;
using FsBitrix.Sandbox;

namespace FsBitrix.Bitrix24.Tests.OAuth;

/// <summary>telephony.externalLine.*: the documented answers and errors, and lines belonging to their caller.</summary>
public sealed class ExternalLineTests
{
    private SandboxPortal _portal = null!;
    private string _access = null!;

    [SetUp]
    public async Task StartAsync()
    {
        _portal = await Portal.StartAsync();
        (_access, _) = await AppHttp.AuthorizeAsync(_portal);
    }

    [TearDown]
    public async Task StopAsync() => await _portal.DisposeAsync();

    private Task<(HttpStatusCode Status, JsonObject Body)> CallAsync(string method, JsonObject? parameters = null) =>
        AppHttp.CallAsync(_portal, _access, "telephony.externalLine." + method, parameters);

    [Test]
    public async Task Add_get_update_delete_answer_as_documented()
    {
        (HttpStatusCode added, JsonObject add) = await CallAsync("add", new JsonObject { ["NUMBER"] = "74950000000", ["NAME"] = "Main", ["CRM_AUTO_CREATE"] = "N" });
        (_, JsonObject get) = await CallAsync("get");
        (_, JsonObject update) = await CallAsync("update", new JsonObject { ["NUMBER"] = "74950000000", ["NAME"] = "Sales" });
        (_, JsonObject afterUpdate) = await CallAsync("get");
        (HttpStatusCode deleted, JsonObject delete) = await CallAsync("delete", new JsonObject { ["NUMBER"] = "74950000000" });
        (_, JsonObject afterDelete) = await CallAsync("get");

        Assert.That(added, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(add["result"]!.ToJsonString(), Is.EqualTo("""{"ID":1}"""));
        Assert.That(get["result"]!.ToJsonString(), Is.EqualTo("""[{"NUMBER":"74950000000","NAME":"Main","CRM_AUTO_CREATE":"N"}]"""));
        Assert.That(update["result"]!.ToJsonString(), Is.EqualTo("""{"ID":"1"}"""));
        Assert.That(afterUpdate["result"]![0]!["NAME"]!.GetValue<string>(), Is.EqualTo("Sales"));
        Assert.That(deleted, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(delete["result"]!.ToJsonString(), Is.EqualTo("[]"));
        Assert.That(afterDelete["result"]!.AsArray(), Is.Empty);
    }

    [Test]
    public async Task Errors_are_the_documented_ERROR_CORE_texts()
    {
        await CallAsync("add", new JsonObject { ["NUMBER"] = "100" });
        (HttpStatusCode duplicate, JsonObject dup) = await CallAsync("add", new JsonObject { ["NUMBER"] = "100" });
        (_, JsonObject empty) = await CallAsync("add", new JsonObject { ["NAME"] = "x" });
        (_, JsonObject missing) = await CallAsync("delete", new JsonObject { ["NUMBER"] = "999" });
        (_, JsonObject noFields) = await CallAsync("update", new JsonObject { ["NUMBER"] = "100" });

        Assert.That(duplicate, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(dup.ToJsonString(), Is.EqualTo("""{"error":"ERROR_CORE","error_description":"Line already exists"}"""));
        Assert.That(empty["error_description"]!.GetValue<string>(), Is.EqualTo("NUMBER should not be empty"));
        Assert.That(missing["error_description"]!.GetValue<string>(), Is.EqualTo("Could not find line with number 999"));
        Assert.That(noFields["error_description"]!.GetValue<string>(), Is.EqualTo("There are no fields to update"));
    }

    [Test]
    public async Task Lines_belong_to_the_caller_so_webhook_lines_are_not_the_apps()
    {
        (HttpStatusCode webhookAdd, _) = await Raw.PostJsonAsync(_portal, "telephony.externalLine.add", new { NUMBER = "200" });
        (_, JsonObject appLines) = await CallAsync("get");
        (_, JsonObject webhookLines) = await Raw.PostJsonAsync(_portal, "telephony.externalLine.get", new { });
        (HttpStatusCode appAdd, _) = await CallAsync("add", new JsonObject { ["NUMBER"] = "200" });

        Assert.That(webhookAdd, Is.EqualTo(HttpStatusCode.OK), "the server code accepts webhooks; REST_APP_ID stays NULL");
        Assert.That(appLines["result"]!.AsArray(), Is.Empty);
        Assert.That(webhookLines["result"]!.AsArray(), Has.Count.EqualTo(1));
        Assert.That(appAdd, Is.EqualTo(HttpStatusCode.OK), "the same number is a new line for the app");
    }
}
