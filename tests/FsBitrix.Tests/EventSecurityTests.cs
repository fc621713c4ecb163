using System.Net;
using System.Text;
using FsBitrix.Sandbox.Events;
using FsBitrix.Tests.Support;
using Click = FsBitrix.Sandbox.Events.ClickToCall;

namespace FsBitrix.Tests;

/// <summary>
/// The events endpoint refuses what it cannot trust or read, and then does nothing: no originate, and the
/// portal's call stays as it was. The refusal is decided before the answer, so checking right after it is exact.
/// </summary>
[CancelAfter(60_000)]
public class EventSecurityTests
{
    private static readonly Click AnnaCallsIvan = new(2, "+79161234567");

    [Test]
    public async Task Without_a_configured_token_every_event_is_refused()
    {
        await using ServiceHarness h = await ServiceHarness.StartAsync(o => o.Bitrix.ApplicationToken = null);

        SentEvent sent = await h.Portal.Events.StartClickToCallAsync(AnnaCallsIvan, h.EventsUrl);

        Assert.That(sent.HandlerStatus, Is.EqualTo(401));
        AssertNothingHappened(h, sent);
    }

    [Test]
    public async Task A_wrong_token_is_refused()
    {
        await using ServiceHarness h = await ServiceHarness.StartAsync(o => o.Bitrix.ApplicationToken = "not-the-portals-token");

        SentEvent sent = await h.Portal.Events.StartClickToCallAsync(AnnaCallsIvan, h.EventsUrl);

        Assert.That(sent.HandlerStatus, Is.EqualTo(401));
        AssertNothingHappened(h, sent);
    }

    [Test]
    public async Task The_token_anywhere_but_auth_application_token_counts_as_no_token()
    {
        await using ServiceHarness h = await ServiceHarness.StartAsync(o => o.Bitrix.ApplicationToken = "not-the-portals-token");
        SentEvent sent = await h.Portal.Events.StartClickToCallAsync(AnnaCallsIvan, h.EventsUrl);
        string token = h.Portal.Options.ApplicationToken;
        List<KeyValuePair<string, string>> fields = sent.Fields.Where(f => f.Key != "auth[application_token]").ToList();
        fields.Add(new("application_token", token));
        fields.Add(new("data[application_token]", token));
        fields.Add(new("auth[APPLICATION_TOKEN]", token));
        using var content = new FormUrlEncodedContent(fields);
        content.Headers.Add("X-Application-Token", token);

        Assert.That(await PostAsync(h, content), Is.EqualTo(HttpStatusCode.Unauthorized));
        AssertNothingHappened(h, sent);
    }

    [Test]
    public async Task A_domain_or_member_id_other_than_configured_is_refused()
    {
        await using ServiceHarness h = await ServiceHarness.StartAsync(o => o.Bitrix.Domain = "ourportal.bitrix24.com");

        SentEvent sent = await h.Portal.Events.StartClickToCallAsync(AnnaCallsIvan, h.EventsUrl);

        Assert.That(sent.HandlerStatus, Is.EqualTo(401));
        AssertNothingHappened(h, sent);
    }

    [Test]
    public async Task An_oversize_body_is_refused_with_413()
    {
        await using ServiceHarness h = await ServiceHarness.StartAsync(o => o.Bitrix.ApplicationToken = "not-the-portals-token");
        SentEvent sent = await h.Portal.Events.StartClickToCallAsync(AnnaCallsIvan, h.EventsUrl);
        List<KeyValuePair<string, string>> fields = WithToken(sent, h.Portal.Options.ApplicationToken);
        fields.Add(new("data[PADDING]", new string('x', 70 * 1024)));

        using var content = new FormUrlEncodedContent(fields);
        Assert.That(await PostAsync(h, content), Is.EqualTo(HttpStatusCode.RequestEntityTooLarge));
        AssertNothingHappened(h, sent);
    }

    [TestCase("data[PHONE_NUMBER=%2B79161234567")]
    [TestCase("data]PHONE_NUMBER[=%2B79161234567")]
    [TestCase("data[PHONE_NUMBER]x=1")]
    [TestCase("data[a][b][c][d]=1")]
    [TestCase("data[CALL_ID]=again")]
    [TestCase("[CALL_ID]=1")]
    public async Task Malformed_php_keys_are_refused_with_400(string bad)
    {
        await using ServiceHarness h = await ServiceHarness.StartAsync(o => o.Bitrix.ApplicationToken = "not-the-portals-token");
        SentEvent sent = await h.Portal.Events.StartClickToCallAsync(AnnaCallsIvan, h.EventsUrl);
        string body = await new FormUrlEncodedContent(WithToken(sent, h.Portal.Options.ApplicationToken)).ReadAsStringAsync() + "&" + bad;

        using var content = new StringContent(body, Encoding.UTF8, "application/x-www-form-urlencoded");
        Assert.That(await PostAsync(h, content), Is.EqualTo(HttpStatusCode.BadRequest));
        AssertNothingHappened(h, sent);
    }

    [Test]
    public async Task A_repeated_delivery_is_ignored_even_after_a_restart()
    {
        await using ServiceHarness h = await ServiceHarness.StartAsync();
        SentEvent first = await h.Portal.Events.StartClickToCallAsync(AnnaCallsIvan, h.EventsUrl);
        BgapiCommand originate = await h.FreeSwitch.NextBgapiAsync(ServiceHarness.Patience);

        using (var again = new FormUrlEncodedContent(first.Fields))
        {
            Assert.That(await PostAsync(h, again), Is.EqualTo(HttpStatusCode.OK), "answered, so the portal logs no failure");
        }

        await h.StopServiceAsync();
        await h.StartServiceAsync();
        using (var afterRestart = new FormUrlEncodedContent(first.Fields))
        {
            Assert.That(await PostAsync(h, afterRestart), Is.EqualTo(HttpStatusCode.OK));
        }

        // A fresh click after the repeats (another rep and number: the portal hands a live call's CALL_ID out again
        // for the same user and number): once it has rung, every repeat before it has been dealt with.
        SentEvent marker = await h.Portal.Events.StartClickToCallAsync(new Click(3, "+79035550101"), h.EventsUrl);
        BgapiCommand next = await h.FreeSwitch.NextBgapiAsync(ServiceHarness.Patience);

        Assert.That(originate.BitrixCallId, Is.EqualTo(first.CallId));
        Assert.That(next.BitrixCallId, Is.EqualTo(marker.CallId));
        Assert.That(h.FreeSwitch.Bgapis, Has.Count.EqualTo(2));
    }

    [Test]
    public async Task A_json_event_with_the_older_portals_fields_missing_is_accepted()
    {
        await using ServiceHarness h = await ServiceHarness.StartAsync();
        string json = $$$"""
            {"event":"ONEXTERNALCALLSTART",
             "data":{"PHONE_NUMBER":"+7 916 123-45-67","PHONE_NUMBER_INTERNATIONAL":"+79161234567","EXTENSION":"","USER_ID":"2",
                     "CALL_LIST_ID":"0","LINE_NUMBER":"","CALL_ID":"externalCall.54d0d42ae705eafa02011574b5fc42.1530176441",
                     "CRM_ENTITY_TYPE":"LEAD","CRM_ENTITY_ID":"0"},
             "ts":"1530176441",
             "auth":{"domain":"company.bitrix24.ua","member_id":"836938020c3cbef47d6364","application_token":"{{{h.Portal.Options.ApplicationToken}}}"}}
            """;

        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        Assert.That(await PostAsync(h, content), Is.EqualTo(HttpStatusCode.OK));
        BgapiCommand originate = await h.FreeSwitch.NextBgapiAsync(ServiceHarness.Patience);

        Assert.That(originate.BitrixCallId, Is.EqualTo("externalCall.54d0d42ae705eafa02011574b5fc42.1530176441"));
        Assert.That(originate.Command, Does.Contain("sofia/gateway/default/+79161234567)"));
    }

    private static List<KeyValuePair<string, string>> WithToken(SentEvent sent, string token) =>
        [.. sent.Fields.Select(f => f.Key == "auth[application_token]" ? new KeyValuePair<string, string>(f.Key, token) : f)];

    private static async Task<HttpStatusCode> PostAsync(ServiceHarness h, HttpContent content)
    {
        using var http = new HttpClient();
        using HttpResponseMessage response = await http.PostAsync(h.EventsUrl, content);
        return response.StatusCode;
    }

    private static void AssertNothingHappened(ServiceHarness h, SentEvent sent)
    {
        Assert.That(h.FreeSwitch.Bgapis, Is.Empty, "nothing was originated");
        Assert.That(h.Portal.State.FindLive(sent.CallId!), Is.Not.Null, "the portal's call is untouched");
        Assert.That(h.Portal.State.RequestCount("telephony.externalcall.finish"), Is.Zero);
    }
}
