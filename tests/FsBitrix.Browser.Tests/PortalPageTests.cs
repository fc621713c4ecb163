using FsBitrix.Browser.Tests.Support;
using FsBitrix.Sandbox;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace FsBitrix.Browser.Tests;

/// <summary>
/// The sandbox page in a real Chromium while the portal is driven through its REST API as FsBitrix drives
/// it: every change must reach the open page without a reload.
/// </summary>
public sealed class PortalPageTests
{
    private const string IvanPetrov = "+79161234567";
    private SandboxPortal portal = null!;
    private PortalRest rest = null!;
    private IBrowserContext context = null!;
    private IPage tab = null!;
    private SandboxPage page = null!;

    [OneTimeSetUp]
    public async Task OpenBrowserAsync()
    {
        // One tab for the fixture; each test loads its own fresh portal into it.
        context = await Chromium.NewContextAsync();
        tab = await context.NewPageAsync();
    }

    [OneTimeTearDown]
    public async Task CloseBrowserAsync() => await context.DisposeAsync();

    [SetUp]
    public async Task OpenAsync()
    {
        portal = await SandboxPortal.StartAsync(new SandboxOptions { RateLimit = SandboxRateLimit.None, ApplicationToken = "app-token-7" });
        rest = new PortalRest(portal);
        page = await SandboxPage.OpenAsync(tab, portal.BaseUrl);
        await page.MarkAsync();
    }

    [TearDown]
    public async Task CloseAsync()
    {
        // The page first, so its event stream is gone before the portal stops.
        await page.LeaveAsync();
        rest.Dispose();
        await portal.DisposeAsync();
    }

    [Test]
    public async Task The_page_shows_the_portal_its_agents_and_its_crm()
    {
        await Expect(page.Title).ToHaveTextAsync("Bitrix24 sandbox portal — FsBitrix demo");
        await Expect(page.Domain).ToHaveTextAsync("sandbox.bitrix24.test");
        await Expect(page.Agents).ToHaveCountAsync(5);
        await Expect(page.Agent(2)).ToContainTextAsync("Anna Smirnova");
        await Expect(page.Agent(2)).ToContainTextAsync("ext. 1001");
        await Expect(page.Agent(5)).ToContainTextAsync("Dismissed");
        await Expect(page.CrmRow("CONTACT", 797)).ToContainTextAsync("Ivan Petrov");
        await Expect(page.CrmRow("COMPANY", 643)).ToContainTextAsync("Romashka LLC");
        await Expect(page.CrmRow("LEAD", 301)).ToContainTextAsync("+79260001234");
        await Expect(page.Page).ToHaveTitleAsync("Bitrix24 sandbox portal — FsBitrix demo");
    }

    [Test]
    public async Task A_shown_card_appears_on_the_agent_and_hide_takes_it_away()
    {
        string callId = await rest.RegisterInboundAsync(userId: 2, IvanPetrov);
        await Expect(page.LiveCall(callId)).ToContainTextAsync("Ivan Petrov");
        await Expect(page.Agent(2).GetByTestId("call-card")).ToHaveCountAsync(0);

        await rest.ShowAsync(callId, userId: 2);
        await Expect(page.CallCard(2, callId)).ToBeVisibleAsync();
        await Expect(page.CallCard(2, callId)).ToContainTextAsync(IvanPetrov);
        await Expect(page.LiveCall(callId)).ToContainTextAsync("Anna Smirnova");
        await Expect(page.Agent(3).GetByTestId("call-card")).ToHaveCountAsync(0);

        await rest.HideAsync(callId, userId: 2);
        await Expect(page.CallCard(2, callId)).ToHaveCountAsync(0);
        await Expect(page.LiveCall(callId)).ToBeVisibleAsync();
        Assert.That(await page.WasNotReloadedAsync(), Is.True, "updates must arrive without a reload");
    }

    [Test]
    public async Task A_finished_call_enters_the_log_with_a_playable_recording()
    {
        byte[] wav = Wav.Tone(seconds: 0.5);
        string callId = await rest.RegisterInboundAsync(userId: 2, IvanPetrov);
        await rest.ShowAsync(callId, userId: 2);
        await Expect(page.CallCard(2, callId)).ToBeVisibleAsync();

        await rest.FinishAsync(callId, userId: 2, duration: 42, statusCode: "200");
        await rest.AttachRecordAsync(callId, "call.wav", wav);

        ILocator row = page.LogRow(callId);
        await Expect(row).ToContainTextAsync("Inbound");
        await Expect(row).ToContainTextAsync(IvanPetrov);
        await Expect(row).ToContainTextAsync("Ivan Petrov");
        await Expect(row).ToContainTextAsync("Anna Smirnova");
        await Expect(row).ToContainTextAsync("0:42");
        await Expect(row.GetByTestId("log-status")).ToHaveTextAsync("200 Answered");
        await Expect(page.CallCard(2, callId)).ToHaveCountAsync(0);
        await Expect(page.LiveCall(callId)).ToHaveCountAsync(0);

        ILocator audio = page.Recording(callId);
        await Expect(audio).ToBeVisibleAsync();
        string src = (await audio.GetAttributeAsync("src"))!;
        IAPIResponse response = await context.APIRequest.GetAsync(new Uri(portal.BaseUrl, src).AbsoluteUri);
        Assert.That(response.Status, Is.EqualTo(200));
        Assert.That(response.Headers["content-type"], Is.EqualTo("audio/wav"));
        Assert.That(await response.BodyAsync(), Is.EqualTo(wav));
        // The browser itself decoded it: its duration is the WAV's.
        await Expect(audio).ToHaveJSPropertyAsync("duration", 0.5);
        Assert.That(await page.WasNotReloadedAsync(), Is.True);
    }

    [Test]
    public async Task Later_updates_leave_a_recording_player_in_place()
    {
        string callId = await rest.RegisterInboundAsync(userId: 2, IvanPetrov);
        await rest.FinishAsync(callId, userId: 2, duration: 3, statusCode: "200");
        await rest.AttachRecordAsync(callId, "call.wav", Wav.Tone());
        ILocator audio = page.Recording(callId);
        await Expect(audio).ToBeVisibleAsync();
        // A listener's player must not be rebuilt (and stopped) by the next message.
        await audio.EvaluateAsync("node => { node.dataset.probe = 'same'; }");

        string next = await rest.RegisterInboundAsync(userId: 3, "+74950003333");
        await Expect(page.LiveCall(next)).ToBeVisibleAsync();

        await Expect(audio).ToHaveAttributeAsync("data-probe", "same");
    }

    [Test]
    public async Task A_missed_call_with_a_record_shows_it_as_the_voicemail_the_client_left()
    {
        string missed = await rest.RegisterInboundAsync(userId: 2, IvanPetrov);
        await rest.FinishAsync(missed, userId: 2, duration: 0, statusCode: "304");
        await rest.AttachRecordAsync(missed, "msg_0001.wav", Wav.Tone());
        string answered = await rest.RegisterInboundAsync(userId: 3, "+74950002222");
        await rest.FinishAsync(answered, userId: 3, duration: 5, statusCode: "200");
        await rest.AttachRecordAsync(answered, "call.wav", Wav.Tone());

        await Expect(page.Recording(missed)).ToBeVisibleAsync();
        await Expect(page.LogRow(missed).GetByTestId("voicemail")).ToHaveTextAsync("voicemail");
        await Expect(page.Recording(answered)).ToBeVisibleAsync();
        await Expect(page.LogRow(answered).GetByTestId("voicemail")).ToHaveCountAsync(0);
    }

    [TestCase("304", 0, "Missed")]
    [TestCase("486", 0, "Busy")]
    [TestCase("480", 0, "No answer")]
    [TestCase("603-S", 0, "Cancelled")]
    public async Task The_log_names_the_status(string status, int duration, string label)
    {
        string callId = await rest.RegisterInboundAsync(userId: 3, "+74950001111");
        await rest.FinishAsync(callId, userId: 3, duration, status);

        await Expect(page.LogRow(callId).GetByTestId("log-status")).ToHaveTextAsync($"{status} {label}");
        await Expect(page.LogRow(callId)).ToContainTextAsync("not in CRM");
    }

    [Test]
    public async Task A_lead_created_by_a_call_appears_in_the_crm_live()
    {
        string callId = await rest.RegisterInboundAsync(userId: 4, "+78120004455", createCrm: true);
        long leadId = portal.State.FindLive(callId)!.CrmCreatedLead!.Value;

        await Expect(page.CrmRow("LEAD", leadId)).ToContainTextAsync("created by a call");
        await Expect(page.CrmRow("LEAD", leadId)).ToContainTextAsync("+78120004455");
        await Expect(page.LiveCall(callId)).ToContainTextAsync("new lead");
    }

    [Test]
    public async Task Clicking_a_number_sends_ONEXTERNALCALLSTART_to_the_handler()
    {
        await using EventHandlerStub handler = await EventHandlerStub.StartAsync();
        portal.Options.EventHandlerUrl = handler.Url;
        // The page learns of the handler with the next state it receives.
        await rest.RegisterInboundAsync(userId: 4, "+74950002222");
        await Expect(page.Handler).ToContainTextAsync(handler.Url.AbsoluteUri);

        await page.ClickToCallAsync(userId: 3, IvanPetrov);

        IReadOnlyDictionary<string, string> form = await handler.NextAsync(TimeSpan.FromSeconds(10));
        Assert.That(form["event"], Is.EqualTo("ONEXTERNALCALLSTART"));
        Assert.That(form["data[PHONE_NUMBER]"], Is.EqualTo(IvanPetrov));
        Assert.That(form["data[USER_ID]"], Is.EqualTo("3"));
        Assert.That(form["data[CRM_ENTITY_TYPE]"], Is.EqualTo("CONTACT"));
        Assert.That(form["data[CRM_ENTITY_ID]"], Is.EqualTo("797"));
        Assert.That(form["auth[application_token]"], Is.EqualTo("app-token-7"));
        string callId = form["data[CALL_ID]"];
        await Expect(page.LiveCall(callId)).ToContainTextAsync("click-to-call");
        await Expect(page.LiveCall(callId)).ToContainTextAsync("Boris Ivanov");
        await Expect(page.Toast).ToContainTextAsync("the handler answered 200");
    }

    [Test]
    public async Task Without_a_handler_a_number_explains_that_click_to_call_is_off()
    {
        await Expect(page.Handler).ToContainTextAsync("Click-to-call is off");

        await page.ClickToCallAsync(userId: 2, IvanPetrov);

        await Expect(page.Toast).ToContainTextAsync("no event handler URL");
        Assert.That(portal.State.LiveCalls, Is.Empty, "nothing may be registered without a handler");
    }
}
