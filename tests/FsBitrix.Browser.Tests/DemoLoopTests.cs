using FsBitrix.Browser.Tests.Support;
using FsBitrix.Demo;
using FsBitrix.Simulator.Flows;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace FsBitrix.Browser.Tests;

/// <summary>
/// The whole demo loop in a real browser: the FreeSWITCH simulator plays a call, the real service mirrors it into
/// the sandbox portal, and the page shows the card while the phone rings and the call in the log after; then a
/// click on a client's number starts a call through the service and the simulator, which lands in the log too.
/// </summary>
[CancelAfter(120_000)]
public class DemoLoopTests
{
    [Test]
    public async Task A_ringing_agent_sees_the_card_and_a_clicked_number_becomes_a_call_in_the_log()
    {
        await using DemoEnvironment demo = await DemoEnvironment.StartAsync([], "http://127.0.0.1:0", 0, "http://127.0.0.1:0");
        await using IBrowserContext context = await Chromium.NewContextAsync();
        SandboxPage page = await SandboxPage.OpenAsync(context, demo.Portal.BaseUrl);
        await page.MarkAsync();

        // 1001 (Anna, user 2) rings for two seconds, answers, talks four.
        Task call = demo.Simulator.PlayAsync(StandardFlows.InboundAnswered("+79161234567", "74951234567", "1001"));
        ILocator card = page.Agent(2).GetByTestId("call-card");
        await Expect(card).ToBeVisibleAsync(new() { Timeout = 20_000 });
        await Expect(card.First).ToContainTextAsync("+79161234567");
        await call.WaitAsync(TimeSpan.FromSeconds(30));
        await Expect(page.LogRows).ToHaveCountAsync(1, new() { Timeout = 20_000 });
        await Expect(page.LogRows.First).ToContainTextAsync("Answered");
        await Expect(page.Agent(2).Locator("[data-testid=call-card]:not(.finished)")).ToHaveCountAsync(0);

        // Boris (user 3, extension 1002) clicks the client's number: the service rings 1002, then dials the client.
        await page.ClickToCallAsync(3, "+79161234567");
        await Expect(page.LogRows).ToHaveCountAsync(2, new() { Timeout = 30_000 });
        await Expect(page.LogRows.First).ToContainTextAsync("Answered");

        Assert.That(await page.WasNotReloadedAsync(), Is.True, "every update came live, without a reload");
        await page.ScreenshotAsync("demo-loop.png");
    }

    [Test]
    public async Task The_second_companys_call_shows_only_in_its_portal_and_both_portals_stand_side_by_side()
    {
        await using DemoEnvironment demo = await DemoEnvironment.StartAsync([], "http://127.0.0.1:0", 0, "http://127.0.0.1:0");
        await using IBrowserContext context = await Chromium.NewContextAsync();
        IPage side = await context.NewPageAsync();
        await side.GotoAsync(new Uri(demo.Portal.BaseUrl, "companies").AbsoluteUri);
        await Expect(side.GetByTestId("company")).ToHaveCountAsync(2);
        SandboxPage second = await SandboxPage.OpenAsync(context, demo.SecondPortal.BaseUrl);

        // b.example's 1001 (Irina, user 2 of the second company's portal) answers a call to b.example's DID.
        CallScript script = StandardFlows.InboundAnswered("+79031112233", "74951234577", "1001") with { Domain = DemoEnvironment.SecondDomain };
        await demo.Simulator.PlayAsync(script).WaitAsync(TimeSpan.FromSeconds(30));

        await Expect(second.LogRows).ToHaveCountAsync(1, new() { Timeout = 20_000 });
        await Expect(second.LogRows.First).ToContainTextAsync("Irina Orlova");
        await Expect(second.LogRows.First).ToContainTextAsync("Elena Volkova");
        Assert.That(demo.Portal.State.FinishedCalls, Is.Empty, "nothing in the default company's portal");
        Assert.That(demo.Portal.State.LiveCalls, Is.Empty);
        await Expect(side.Locator("iframe").Nth(1).ContentFrame.GetByTestId("log-row")).ToHaveCountAsync(1);
        await side.ScreenshotAsync(new() { Path = Path.Combine(TestContext.CurrentContext.WorkDirectory, "demo-companies.png") });
    }
}
