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
    private SandboxPortal _portal = null!;
    private PortalRest _rest = null!;
    private IBrowserContext _context = null!;
    private IPage _tab = null!;
    private SandboxPage _page = null!;

    [OneTimeSetUp]
    public async Task OpenBrowserAsync()
    {
        // One tab for the fixture; each test loads its own fresh portal into it.
        _context = await Chromium.NewContextAsync();
        _tab = await _context.NewPageAsync();
    }

    [OneTimeTearDown]
    public async Task CloseBrowserAsync() => await _context.DisposeAsync();

    [SetUp]
    public async Task OpenAsync()
    {
        _portal = await SandboxPortal.StartAsync(new SandboxOptions { RateLimit = SandboxRateLimit.None, ApplicationToken = "app-token-7" });
        _rest = new PortalRest(_portal);
        _page = await SandboxPage.OpenAsync(_tab, _portal.BaseUrl);
        await _page.MarkAsync();
    }

    [TearDown]
    public async Task CloseAsync()
    {
        // The page first, so its event stream is gone before the portal stops.
        await _page.LeaveAsync();
        _rest.Dispose();
        await _portal.DisposeAsync();
    }

    [Test]
    public async Task The_page_shows_the_portal_its_agents_and_its_crm()
    {
        await Expect(_page.Title).ToHaveTextAsync("Bitrix24 sandbox portal — FsBitrix demo");
        await Expect(_page.Domain).ToHaveTextAsync("sandbox.bitrix24.test");
        await Expect(_page.Agents).ToHaveCountAsync(5);
        await Expect(_page.Agent(2)).ToContainTextAsync("Anna Smirnova");
        await Expect(_page.Agent(2)).ToContainTextAsync("ext. 1001");
        await Expect(_page.Agent(5)).ToContainTextAsync("Dismissed");
        await Expect(_page.CrmRow("CONTACT", 797)).ToContainTextAsync("Ivan Petrov");
        await Expect(_page.CrmRow("COMPANY", 643)).ToContainTextAsync("Romashka LLC");
        await Expect(_page.CrmRow("LEAD", 301)).ToContainTextAsync("+79260001234");
        await Expect(_page.Page).ToHaveTitleAsync("Bitrix24 sandbox portal — FsBitrix demo");
    }

    [Test]
    public async Task A_shown_card_appears_on_the_agent_and_hide_takes_it_away()
    {
        string callId = await _rest.RegisterInboundAsync(userId: 2, IvanPetrov);
        await Expect(_page.LiveCall(callId)).ToContainTextAsync("Ivan Petrov");
        await Expect(_page.Agent(2).GetByTestId("call-card")).ToHaveCountAsync(0);

        await _rest.ShowAsync(callId, userId: 2);
        await Expect(_page.CallCard(2, callId)).ToBeVisibleAsync();
        await Expect(_page.CallCard(2, callId)).ToContainTextAsync(IvanPetrov);
        await Expect(_page.LiveCall(callId)).ToContainTextAsync("Anna Smirnova");
        await Expect(_page.Agent(3).GetByTestId("call-card")).ToHaveCountAsync(0);

        await _rest.HideAsync(callId, userId: 2);
        await Expect(_page.CallCard(2, callId)).ToHaveCountAsync(0);
        await Expect(_page.LiveCall(callId)).ToBeVisibleAsync();
        Assert.That(await _page.WasNotReloadedAsync(), Is.True, "updates must arrive without a reload");
    }

    [Test]
    public async Task A_finished_call_enters_the_log_with_a_playable_recording()
    {
        byte[] wav = Wav.Tone(seconds: 0.5);
        string callId = await _rest.RegisterInboundAsync(userId: 2, IvanPetrov);
        await _rest.ShowAsync(callId, userId: 2);
        await Expect(_page.CallCard(2, callId)).ToBeVisibleAsync();

        await _rest.FinishAsync(callId, userId: 2, duration: 42, statusCode: "200");
        await _rest.AttachRecordAsync(callId, "call.wav", wav);

        ILocator row = _page.LogRow(callId);
        await Expect(row).ToContainTextAsync("Inbound");
        await Expect(row).ToContainTextAsync(IvanPetrov);
        await Expect(row).ToContainTextAsync("Ivan Petrov");
        await Expect(row).ToContainTextAsync("Anna Smirnova");
        await Expect(row).ToContainTextAsync("0:42");
        await Expect(row.GetByTestId("log-status")).ToHaveTextAsync("200 Answered");
        await Expect(_page.CallCard(2, callId)).ToHaveCountAsync(0);
        await Expect(_page.LiveCall(callId)).ToHaveCountAsync(0);

        ILocator audio = _page.Recording(callId);
        await Expect(audio).ToBeVisibleAsync();
        string src = (await audio.GetAttributeAsync("src"))!;
        IAPIResponse response = await _context.APIRequest.GetAsync(new Uri(_portal.BaseUrl, src).AbsoluteUri);
        Assert.That(response.Status, Is.EqualTo(200));
        Assert.That(response.Headers["content-type"], Is.EqualTo("audio/wav"));
        Assert.That(await response.BodyAsync(), Is.EqualTo(wav));
        // The browser itself decoded it: its duration is the WAV's.
        await Expect(audio).ToHaveJSPropertyAsync("duration", 0.5);
        Assert.That(await _page.WasNotReloadedAsync(), Is.True);
    }

    [Test]
    public async Task Later_updates_leave_a_recording_player_in_place()
    {
        string callId = await _rest.RegisterInboundAsync(userId: 2, IvanPetrov);
        await _rest.FinishAsync(callId, userId: 2, duration: 3, statusCode: "200");
        await _rest.AttachRecordAsync(callId, "call.wav", Wav.Tone());
        ILocator audio = _page.Recording(callId);
        await Expect(audio).ToBeVisibleAsync();
        // A listener's player must not be rebuilt (and stopped) by the next message.
        await audio.EvaluateAsync("node => { node.dataset.probe = 'same'; }");

        string next = await _rest.RegisterInboundAsync(userId: 3, "+74950003333");
        await Expect(_page.LiveCall(next)).ToBeVisibleAsync();

        await Expect(audio).ToHaveAttributeAsync("data-probe", "same");
    }

    [Test]
    public async Task A_missed_call_with_a_record_shows_it_as_the_voicemail_the_client_left()
    {
        string missed = await _rest.RegisterInboundAsync(userId: 2, IvanPetrov);
        await _rest.FinishAsync(missed, userId: 2, duration: 0, statusCode: "304");
        await _rest.AttachRecordAsync(missed, "msg_0001.wav", Wav.Tone());
        string answered = await _rest.RegisterInboundAsync(userId: 3, "+74950002222");
        await _rest.FinishAsync(answered, userId: 3, duration: 5, statusCode: "200");
        await _rest.AttachRecordAsync(answered, "call.wav", Wav.Tone());

        await Expect(_page.Recording(missed)).ToBeVisibleAsync();
        await Expect(_page.LogRow(missed).GetByTestId("voicemail")).ToHaveTextAsync("voicemail");
        await Expect(_page.Recording(answered)).ToBeVisibleAsync();
        await Expect(_page.LogRow(answered).GetByTestId("voicemail")).ToHaveCountAsync(0);
    }

    [TestCase("304", 0, "Missed")]
    [TestCase("486", 0, "Busy")]
    [TestCase("480", 0, "No answer")]
    [TestCase("603-S", 0, "Cancelled")]
    public async Task The_log_names_the_status(string status, int duration, string label)
    {
        string callId = await _rest.RegisterInboundAsync(userId: 3, "+74950001111");
        await _rest.FinishAsync(callId, userId: 3, duration, status);

        await Expect(_page.LogRow(callId).GetByTestId("log-status")).ToHaveTextAsync($"{status} {label}");
        await Expect(_page.LogRow(callId)).ToContainTextAsync("not in CRM");
    }

    [Test]
    public async Task A_lead_created_by_a_call_appears_in_the_crm_live()
    {
        string callId = await _rest.RegisterInboundAsync(userId: 4, "+78120004455", createCrm: true);
        long leadId = _portal.State.FindLive(callId)!.CrmCreatedLead!.Value;

        await Expect(_page.CrmRow("LEAD", leadId)).ToContainTextAsync("created by a call");
        await Expect(_page.CrmRow("LEAD", leadId)).ToContainTextAsync("+78120004455");
        await Expect(_page.LiveCall(callId)).ToContainTextAsync("new lead");
    }

    [Test]
    public async Task Clicking_a_number_sends_ONEXTERNALCALLSTART_to_the_handler()
    {
        await using EventHandlerStub handler = await EventHandlerStub.StartAsync();
        _portal.Options.EventHandlerUrl = handler.Url;
        // The page learns of the handler with the next state it receives.
        await _rest.RegisterInboundAsync(userId: 4, "+74950002222");
        await Expect(_page.Handler).ToContainTextAsync(handler.Url.AbsoluteUri);

        await _page.ClickToCallAsync(userId: 3, IvanPetrov);

        IReadOnlyDictionary<string, string> form = await handler.NextAsync(TimeSpan.FromSeconds(10));
        Assert.That(form["event"], Is.EqualTo("ONEXTERNALCALLSTART"));
        Assert.That(form["data[PHONE_NUMBER]"], Is.EqualTo(IvanPetrov));
        Assert.That(form["data[USER_ID]"], Is.EqualTo("3"));
        Assert.That(form["data[CRM_ENTITY_TYPE]"], Is.EqualTo("CONTACT"));
        Assert.That(form["data[CRM_ENTITY_ID]"], Is.EqualTo("797"));
        Assert.That(form["auth[application_token]"], Is.EqualTo("app-token-7"));
        string callId = form["data[CALL_ID]"];
        await Expect(_page.LiveCall(callId)).ToContainTextAsync("click-to-call");
        await Expect(_page.LiveCall(callId)).ToContainTextAsync("Boris Ivanov");
        await Expect(_page.Toast).ToContainTextAsync("the handler answered 200");
    }

    [Test]
    public async Task Without_a_handler_a_number_explains_that_click_to_call_is_off()
    {
        await Expect(_page.Handler).ToContainTextAsync("Click-to-call is off");

        await _page.ClickToCallAsync(userId: 2, IvanPetrov);

        await Expect(_page.Toast).ToContainTextAsync("no event handler URL");
        Assert.That(_portal.State.LiveCalls, Is.Empty, "nothing may be registered without a handler");
    }
}
