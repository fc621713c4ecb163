using System.Net;
using System.Text.Json.Nodes;
using FsBitrix.Bitrix24.Tests.Support;
using FsBitrix.Sandbox;
using FsBitrix.Sandbox.Faults;

namespace FsBitrix.Bitrix24.Tests.OAuth;

/// <summary>Webhook versus application auth: the WRONG_AUTH_TYPE switch and the methods only an application may call.</summary>
public sealed class AuthTypeTests
{
    private const string WrongAuthType = """{"error":"WRONG_AUTH_TYPE","error_description":"Current authorization type is denied for this method"}""";
    private SandboxPortal _portal = null!;

    [SetUp]
    public async Task StartAsync() => _portal = await Portal.StartAsync();

    [TearDown]
    public async Task StopAsync() => await _portal.DisposeAsync();

    [Test]
    public async Task The_switch_refuses_webhook_register_while_the_app_token_registers()
    {
        (string access, _) = await AppHttp.AuthorizeAsync(_portal);
        _portal.Faults.Add(new SandboxFault(SandboxFaultKind.WrongAuthType));

        (HttpStatusCode webhook, JsonObject refusal) = await Raw.PostJsonAsync(_portal, "telephony.externalcall.register", AppHttp.Incoming("uuid-w"));
        (HttpStatusCode app, JsonObject result) = await AppHttp.CallAsync(_portal, access, "telephony.externalcall.register", AppHttp.Incoming("uuid-a"));
        string callId = result["result"]!["CALL_ID"]!.GetValue<string>();
        (HttpStatusCode webhookFinish, _) = await Raw.PostJsonAsync(_portal, "telephony.externalcall.finish", new { CALL_ID = callId, USER_ID = 2, DURATION = 5 });
        (HttpStatusCode appFinish, _) = await AppHttp.CallAsync(_portal, access, "telephony.externalcall.finish", new JsonObject { ["CALL_ID"] = callId, ["USER_ID"] = 2, ["DURATION"] = 5 });

        Assert.That(webhook, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(refusal.ToJsonString(), Is.EqualTo(WrongAuthType));
        Assert.That(app, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(webhookFinish, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(appFinish, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(_portal.State.FindFinished(callId), Is.Not.Null);
    }

    [TestCase("event.bind")]
    [TestCase("event.get")]
    [TestCase("event.unbind")]
    [TestCase("event.offline.get")]
    public async Task App_only_methods_refuse_a_webhook_with_the_real_error(string method)
    {
        (HttpStatusCode status, JsonObject body) = await Raw.PostJsonAsync(_portal, method, new { @event = "ONEXTERNALCALLSTART", event_type = "offline" });

        Assert.That(status, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(body.ToJsonString(), Is.EqualTo(WrongAuthType));
        Assert.That(_portal.App.Bindings.All, Is.Empty);
    }

    [Test]
    public async Task A_batch_runs_its_commands_with_the_batch_request_auth()
    {
        (string access, _) = await AppHttp.AuthorizeAsync(_portal);
        var cmd = new JsonObject { ["bind"] = "event.bind?event=ONEXTERNALCALLSTART&event_type=offline" };

        (_, JsonObject viaApp) = await AppHttp.CallAsync(_portal, access, "batch", new JsonObject { ["cmd"] = cmd.DeepClone() });
        (_, JsonObject viaWebhook) = await Raw.PostJsonAsync(_portal, "batch", new JsonObject { ["cmd"] = cmd.DeepClone() });

        Assert.That(viaApp["result"]!["result"]!["bind"]!.GetValue<bool>(), Is.True, viaApp.ToJsonString());
        Assert.That(viaWebhook["result"]!["result_error"]!["bind"]!["error"]!.GetValue<string>(), Is.EqualTo("WRONG_AUTH_TYPE"), viaWebhook.ToJsonString());
    }
}
