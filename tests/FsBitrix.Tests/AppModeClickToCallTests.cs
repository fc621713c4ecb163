using System.Net;
using FsBitrix.Sandbox.Events;
using FsBitrix.Sandbox.State;
using FsBitrix.Tests.Support;
using Click = FsBitrix.Sandbox.Events.ClickToCall;

namespace FsBitrix.Tests;

/// <summary>
/// Click-to-call in app mode, posted online or polled offline: the same originate and the same one finish of the
/// portal's CALL_ID as with the outgoing webhook; an online event of another member_id is refused.
/// </summary>
[CancelAfter(60_000)]
public class AppModeClickToCallTests
{
    private static readonly Click AnnaCallsIvan = new(2, "+79161234567") { CrmEntityType = "CONTACT", CrmEntityId = 797 };

    [Test]
    public async Task An_online_click_is_originated_and_finished_once()
    {
        await using ServiceHarness h = await ServiceHarness.StartAsync(appMode: true);
        await h.Portal.App.InstallAsync(h.InstallUrl);

        SentEvent sent = (await h.Portal.App.ClickToCallAsync(AnnaCallsIvan)).Single();
        BgapiCommand originate = await h.FreeSwitch.NextBgapiAsync(ServiceHarness.Patience);
        SandboxFinishedCall call = await FinishAsync(h, originate);

        Assert.That(sent.HandlerStatus, Is.EqualTo(200));
        AssertSameAsWebhookMode(h, originate, call, sent.CallId!);
    }

    [Test]
    public async Task An_offline_click_is_polled_and_ends_in_the_same_originate_and_finish()
    {
        await using ServiceHarness h = await ServiceHarness.StartAsync(o =>
        {
            o.Bitrix.Events = "offline";
            o.Bitrix.OfflinePollInterval = TimeSpan.FromMilliseconds(200);
        }, appMode: true);
        await h.Portal.App.InstallAsync(h.InstallUrl);

        Assert.That(h.Portal.App.Bindings.All.Select(b => (b.Event, b.Offline, b.Handler)), Is.EquivalentTo(new[]
        {
            ("ONEXTERNALCALLSTART", true, (string?)null),
            ("ONEXTERNALCALLBACKSTART", true, (string?)null),
        }), "offline only: an online row as well would ring the rep twice");

        IReadOnlyList<SentEvent> posted = await h.Portal.App.ClickToCallAsync(AnnaCallsIvan);
        string callId = h.Portal.State.LiveCalls.Single().CallId;
        BgapiCommand originate = await h.FreeSwitch.NextBgapiAsync(ServiceHarness.Patience);
        SandboxFinishedCall call = await FinishAsync(h, originate);

        Assert.That(posted, Is.Empty, "nothing was posted: the service opened no port for it");
        Assert.That(h.Portal.App.Offline.Pending, Is.Empty, "taken with clear, so handled once");
        AssertSameAsWebhookMode(h, originate, call, callId);
    }

    [Test]
    public async Task An_online_event_of_another_member_id_is_refused_and_nothing_is_dialled()
    {
        await using ServiceHarness h = await ServiceHarness.StartAsync(appMode: true);
        await h.Portal.App.InstallAsync(h.InstallUrl);
        SentEvent genuine = (await h.Portal.App.ClickToCallAsync(AnnaCallsIvan)).Single();
        await h.FreeSwitch.NextBgapiAsync(ServiceHarness.Patience);

        var forged = AppModeInstallTests.Replace(genuine, "auth[member_id]", "another-portal")
            .Select(f => f.Key == "data[CALL_ID]" ? new KeyValuePair<string, string>(f.Key, f.Value + "-2") : f);
        HttpStatusCode status = await AppModeInstallTests.PostAsync(h.EventsUrl, forged);

        Assert.That(status, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(h.FreeSwitch.Bgapis, Has.Count.EqualTo(1), "only the genuine click was dialled");
    }

    [Test]
    public async Task Before_the_install_no_event_is_trusted()
    {
        await using ServiceHarness h = await ServiceHarness.StartAsync(appMode: true);

        HttpStatusCode status = await AppModeInstallTests.PostAsync(h.EventsUrl, [
            new("event", "ONEXTERNALCALLSTART"), new("data[CALL_ID]", "x"), new("data[USER_ID]", "2"), new("data[PHONE_NUMBER]", "+79161234567"),
            new("auth[application_token]", h.Portal.Options.ApplicationToken), new("auth[member_id]", h.Portal.Options.MemberId)]);

        Assert.That(status, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    private static async Task<SandboxFinishedCall> FinishAsync(ServiceHarness h, BgapiCommand originate)
    {
        await h.FreeSwitch.SendAsync(ClickToCallScript.Frames("s12_click_to_call.raw", originate, h.FreeSwitch.RecordingsFolder));
        return await h.Portal.WaitForFinishAsync(originate.BitrixCallId!, ServiceHarness.Patience);
    }

    private static void AssertSameAsWebhookMode(ServiceHarness h, BgapiCommand originate, SandboxFinishedCall call, string callId)
    {
        Assert.That(originate.BitrixCallId, Is.EqualTo(callId));
        Assert.That(originate.Variable("origination_caller_id_number"), Is.EqualTo("+79161234567"));
        Assert.That(originate.Command, Does.EndWith("}user/1001 &bridge({originate_timeout=60}sofia/gateway/default/+79161234567)"));
        Assert.That(call.StatusCode, Is.EqualTo("200"));
        Assert.That(call.Duration, Is.EqualTo(3));
        Assert.That(call.UserId, Is.EqualTo(2));
        Assert.That(h.Portal.State.RequestCount("telephony.externalcall.finish"), Is.EqualTo(1));
        Assert.That(h.Portal.State.RequestCount("telephony.externalcall.register"), Is.Zero, "the portal registered the click itself");
        Assert.That(h.Portal.State.LiveCalls, Is.Empty);
    }
}
