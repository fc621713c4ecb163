using System.Net;
using System.Text.Json.Nodes;
using FsBitrix.Bitrix24.Tests.Support;
using FsBitrix.Sandbox;
using FsBitrix.Sandbox.Events;

namespace FsBitrix.Bitrix24.Tests.OAuth;

/// <summary>event.bind online and offline, click-to-call delivered to each, and event.offline.get polling.</summary>
public sealed class EventBindTests
{
    private SandboxPortal _portal = null!;
    private string _access = null!;

    [SetUp]
    public async Task StartAsync()
    {
        _portal = await Portal.StartAsync(o => o.ApplicationToken = "app-token-123");
        (_access, _) = await AppHttp.AuthorizeAsync(_portal);
    }

    [TearDown]
    public async Task StopAsync() => await _portal.DisposeAsync();

    private Task<(HttpStatusCode Status, JsonObject Body)> BindAsync(JsonObject parameters) => AppHttp.CallAsync(_portal, _access, "event.bind", parameters);

    [Test]
    public async Task An_online_binding_gets_the_click_posted_with_a_working_user_token()
    {
        using var handler = new EventHandlerStub();
        (HttpStatusCode status, JsonObject bound) = await BindAsync(new JsonObject { ["event"] = "onExternalCallStart", ["handler"] = handler.Url.AbsoluteUri });

        IReadOnlyList<SentEvent> sent = await _portal.App.ClickToCallAsync(new ClickToCall(3, "+79161234567") { CrmEntityType = "CONTACT", CrmEntityId = 797 });
        (_, Dictionary<string, string> form) = await handler.NextAsync();

        Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(bound["result"]!.GetValue<bool>(), Is.True);
        Assert.That(sent, Has.Count.EqualTo(1));
        Assert.That(form["event"], Is.EqualTo("ONEXTERNALCALLSTART"));
        Assert.That(form["data[CALL_ID]"], Is.EqualTo(sent[0].CallId));
        Assert.That(form["data[USER_ID]"], Is.EqualTo("3"));
        Assert.That(form["auth[application_token]"], Is.EqualTo("app-token-123"));
        Assert.That(form.Keys, Has.None.EqualTo("auth[refresh_token]"), "voximplant events do not send the refresh token");
        Assert.That(_portal.App.Offline.Pending, Is.Empty);
        (HttpStatusCode finish, _) = await AppHttp.CallAsync(_portal, form["auth[access_token]"], "telephony.externalcall.finish",
            new JsonObject { ["CALL_ID"] = form["data[CALL_ID]"], ["USER_ID"] = 3, ["DURATION"] = 10 });
        Assert.That(finish, Is.EqualTo(HttpStatusCode.OK), "the event's token is a real access token");
    }

    [Test]
    public async Task An_offline_binding_queues_the_click_for_event_offline_get_which_clears_it()
    {
        (HttpStatusCode status, _) = await BindAsync(new JsonObject { ["event"] = "ONEXTERNALCALLSTART", ["event_type"] = "offline" });
        IReadOnlyList<SentEvent> posted = await _portal.App.ClickToCallAsync(new ClickToCall(2, "+79161234567"));
        string callId = _portal.State.LiveCalls.Single().CallId;

        (HttpStatusCode got, JsonObject first) = await AppHttp.CallAsync(_portal, _access, "event.offline.get", new JsonObject { ["limit"] = 10 });
        (_, JsonObject second) = await AppHttp.CallAsync(_portal, _access, "event.offline.get");

        Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(posted, Is.Empty, "nothing is posted for an offline row");
        Assert.That(got, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(first["result"]!["process_id"], Is.Null);
        JsonObject row = first["result"]!["events"]!.AsArray().Single()!.AsObject();
        Assert.That(row["EVENT_NAME"]!.GetValue<string>(), Is.EqualTo("ONEXTERNALCALLSTART"));
        Assert.That(row["ID"]!.GetValue<string>(), Is.EqualTo("1"));
        Assert.That(row["MESSAGE_ID"]!.GetValue<string>(), Has.Length.EqualTo(32));
        Assert.That(row["TIMESTAMP_X"]!.GetValue<string>(), Does.EndWith("+03:00"));
        Assert.That(row["EVENT_DATA"]!["CALL_ID"]!.GetValue<string>(), Is.EqualTo(callId));
        Assert.That(row["EVENT_DATA"]!["USER_ID"]!.GetValue<int>(), Is.EqualTo(2), "offline data keeps native JSON types");
        Assert.That(row["EVENT_ADDITIONAL"]!["user_id"]!.GetValue<int>(), Is.EqualTo(2));
        Assert.That(second["result"]!["events"]!.AsArray(), Is.Empty, "clear=1 (the default) deleted the rows");
    }

    [Test]
    public async Task Offline_get_honours_limit_and_refuses_clear_0_without_the_extended_feature()
    {
        await BindAsync(new JsonObject { ["event"] = "ONEXTERNALCALLSTART", ["event_type"] = "offline" });
        await _portal.App.ClickToCallAsync(new ClickToCall(2, "+79161234567"));
        await _portal.App.ClickToCallAsync(new ClickToCall(3, "+79260001234"));

        (HttpStatusCode kept, JsonObject license) = await AppHttp.CallAsync(_portal, _access, "event.offline.get", new JsonObject { ["clear"] = 0 });
        (_, JsonObject one) = await AppHttp.CallAsync(_portal, _access, "event.offline.get", new JsonObject { ["limit"] = 1 });
        (HttpStatusCode zero, _) = await AppHttp.CallAsync(_portal, _access, "event.offline.get", new JsonObject { ["limit"] = 0 });

        Assert.That(kept, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(license["error"]!.GetValue<string>(), Is.EqualTo("WRONG_LICENSE"));
        Assert.That(one["result"]!["events"]!.AsArray().Single()!["EVENT_DATA"]!["USER_ID"]!.GetValue<int>(), Is.EqualTo(2), "oldest first");
        Assert.That(zero, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(_portal.App.Offline.Pending, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task Bind_rules_duplicates_get_and_unbind()
    {
        const string Handler = "http://127.0.0.1:9/bitrix/events";
        await BindAsync(new JsonObject { ["event"] = "ONEXTERNALCALLSTART", ["handler"] = Handler });
        (HttpStatusCode again, JsonObject duplicate) = await BindAsync(new JsonObject { ["event"] = "ONEXTERNALCALLSTART", ["handler"] = Handler });
        (HttpStatusCode unknown, JsonObject notFound) = await BindAsync(new JsonObject { ["event"] = "ONCRMLEADADD", ["handler"] = Handler });
        (HttpStatusCode noHandler, _) = await BindAsync(new JsonObject { ["event"] = "ONEXTERNALCALLSTART" });
        await BindAsync(new JsonObject { ["event"] = "ONEXTERNALCALLSTART", ["event_type"] = "offline" });

        (_, JsonObject listed) = await AppHttp.CallAsync(_portal, _access, "event.get");
        (_, JsonObject unbound) = await AppHttp.CallAsync(_portal, _access, "event.unbind", new JsonObject { ["event"] = "ONEXTERNALCALLSTART", ["handler"] = Handler });

        Assert.That(again, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(duplicate.ToJsonString(), Is.EqualTo("""{"error":"ERROR_CORE","error_description":"Unable to set event handler: Handler already binded"}"""));
        Assert.That(unknown, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(notFound["error"]!.GetValue<string>(), Is.EqualTo("ERROR_EVENT_NOT_FOUND"));
        Assert.That(noHandler, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(listed["result"]!.ToJsonString(), Is.EqualTo(
            """[{"event":"ONEXTERNALCALLSTART","handler":"http://127.0.0.1:9/bitrix/events","auth_type":"0","offline":0},{"event":"ONEXTERNALCALLSTART","connector_id":"","offline":1}]"""));
        Assert.That(unbound["result"]!["count"]!.GetValue<int>(), Is.EqualTo(1));
        Assert.That(_portal.App.Bindings.All.Single().Offline, Is.True);
    }
}
