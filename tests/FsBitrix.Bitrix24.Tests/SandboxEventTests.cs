using FsBitrix.Bitrix24.Telephony;
using FsBitrix.Bitrix24.Tests.Support;
using FsBitrix.Sandbox;
using FsBitrix.Sandbox.Events;

namespace FsBitrix.Bitrix24.Tests;

/// <summary>Events the sandbox portal sends to an outgoing-webhook handler, shaped as Bitrix24 sends them.</summary>
public sealed class SandboxEventTests
{
    private SandboxPortal _portal = null!;
    private EventHandlerStub _handler = null!;

    [SetUp]
    public async Task StartAsync()
    {
        _portal = await Portal.StartAsync(o =>
        {
            o.ApplicationToken = "app-token-123";
            o.MemberId = "member-456";
        });
        _handler = new EventHandlerStub();
    }

    [TearDown]
    public async Task StopAsync()
    {
        _handler.Dispose();
        await _portal.DisposeAsync();
    }

    [Test]
    public async Task Click_to_call_registers_the_call_and_posts_the_event_as_a_php_form()
    {
        SentEvent sent = await _portal.Events.StartClickToCallAsync(new ClickToCall(3, "+7 916 123-45-67") { CrmEntityType = "CONTACT", CrmEntityId = 797 }, _handler.Url);
        (string contentType, Dictionary<string, string> form) = await _handler.NextAsync();

        Assert.That(contentType, Does.StartWith("application/x-www-form-urlencoded"));
        Assert.That(sent.HandlerStatus, Is.EqualTo(200));
        Assert.That(form["event"], Is.EqualTo("ONEXTERNALCALLSTART"));
        Assert.That(form["data[CALL_ID]"], Is.EqualTo(sent.CallId));
        Assert.That(form["data[USER_ID]"], Is.EqualTo("3"));
        Assert.That(form["data[PHONE_NUMBER]"], Is.EqualTo("+7 916 123-45-67"));
        Assert.That(form["data[PHONE_NUMBER_INTERNATIONAL]"], Is.EqualTo("+79161234567"));
        Assert.That(form["data[LINE_NUMBER]"], Is.Empty);
        Assert.That(form["data[CRM_ENTITY_TYPE]"], Is.EqualTo("CONTACT"));
        Assert.That(form["data[CRM_ENTITY_ID]"], Is.EqualTo("797"));
        Assert.That(form["data[CALL_LIST_ID]"], Is.EqualTo("0"));
        Assert.That(form["auth[application_token]"], Is.EqualTo("app-token-123"));
        Assert.That(form["auth[member_id]"], Is.EqualTo("member-456"));
        Assert.That(form["auth[domain]"], Is.EqualTo("sandbox.bitrix24.test"));
        Assert.That(form, Does.ContainKey("ts"));
        Assert.That(form.Keys, Has.None.EqualTo("auth[access_token]"), "outgoing webhooks get no OAuth tokens");
        Assert.That(_portal.State.FindLive(sent.CallId!)!.StartedByClickToCall, Is.True);
    }

    [Test]
    public async Task The_event_call_id_is_closed_by_a_finish_from_the_client()
    {
        SentEvent sent = await _portal.Events.StartClickToCallAsync(new ClickToCall(2, "+79161234567"), _handler.Url);
        (_, Dictionary<string, string> form) = await _handler.NextAsync();
        using Bitrix24Client client = Portal.Client(_portal);

        FinishResult result = await client.FinishCallAsync(Calls.Finish(form["data[CALL_ID]"], userId: 2, duration: 30));

        Assert.That(result.Outcome, Is.EqualTo(FinishOutcome.Finished));
        Assert.That(result.Call!.Incoming, Is.EqualTo(1), "click-to-call is an outgoing call");
        Assert.That((await _portal.WaitForFinishAsync(sent.CallId!, Signal.Timeout)).Duration, Is.EqualTo(30));
    }

    [Test]
    public async Task Callback_event_carries_no_call_id()
    {
        await _portal.Events.StartCallbackAsync(new CallbackRequest("+79260001234") { CrmEntityType = "LEAD", CrmEntityId = 301, LineNumber = "7" }, _handler.Url);
        (_, Dictionary<string, string> form) = await _handler.NextAsync();

        Assert.That(form["event"], Is.EqualTo("ONEXTERNALCALLBACKSTART"));
        Assert.That(form["data[PHONE_NUMBER]"], Is.EqualTo("+79260001234"));
        Assert.That(form["data[CRM_ENTITY_ID]"], Is.EqualTo("301"));
        Assert.That(form["data[LINE_NUMBER]"], Is.EqualTo("7"));
        Assert.That(form, Does.ContainKey("data[TEXT]"));
        Assert.That(form.Keys, Has.None.EqualTo("data[CALL_ID]"));
        Assert.That(_portal.State.LiveCalls, Is.Empty);
    }

    [Test]
    public async Task An_unreachable_handler_is_recorded_and_not_retried()
    {
        var nowhere = new Uri($"http://127.0.0.1:{ErrorTests.ClosedPort()}/events");

        SentEvent sent = await _portal.Events.StartClickToCallAsync(new ClickToCall(2, "+79161234567"), nowhere);

        Assert.That(sent.HandlerStatus, Is.Null);
        Assert.That(sent.DeliveryError, Is.Not.Null);
        Assert.That(_portal.Events.Sent, Has.Count.EqualTo(1));
    }

    [Test]
    public void Events_go_only_to_loopback_handlers()
    {
        Assert.ThrowsAsync<ArgumentException>(() => _portal.Events.StartCallbackAsync(new CallbackRequest("+7916"), new Uri("http://192.0.2.10/events")));
    }
}
