using FsBitrix.Browser.Tests.Support;
using FsBitrix.Sandbox;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace FsBitrix.Browser.Tests;

/// <summary>A busy portal, photographed: the picture a reviewer looks at to judge the page.</summary>
public sealed class PortalScreenshotTests
{
    [Test]
    public async Task A_busy_portal_is_photographed_at_1280x800()
    {
        await using EventHandlerStub handler = await EventHandlerStub.StartAsync();
        await using SandboxPortal portal = await SandboxPortal.StartAsync(new SandboxOptions { RateLimit = SandboxRateLimit.None, EventHandlerUrl = handler.Url });
        using var rest = new PortalRest(portal);

        // Finished: answered with a recording, missed, busy.
        string answered = await rest.RegisterInboundAsync(2, "+79161234567");
        await rest.FinishAsync(answered, 2, 95, "200");
        await rest.AttachRecordAsync(answered, "answered.wav", Wav.Tone(seconds: 1));
        string missed = await rest.RegisterInboundAsync(3, "+74957778899");
        await rest.FinishAsync(missed, 3, 0, "304");
        string busy = await rest.RegisterInboundAsync(4, "+79035550101");
        await rest.FinishAsync(busy, 4, 0, "486");

        // Live: a queue call ringing two agents, and a new caller who became a lead.
        string ringing = await rest.RegisterInboundAsync(2, "+79260001234");
        await rest.ShowAsync(ringing, 2);
        await rest.ShowAsync(ringing, 3);
        string fresh = await rest.RegisterInboundAsync(4, "+78120004455", createCrm: true);
        await rest.ShowAsync(fresh, 4);

        IBrowserContext context = await Chromium.NewContextAsync();
        try
        {
            SandboxPage page = await SandboxPage.OpenAsync(context, portal.BaseUrl);
            await Expect(page.CallCard(3, ringing)).ToBeVisibleAsync();
            await Expect(page.CallCard(4, fresh)).ToBeVisibleAsync();
            await Expect(page.LogRows).ToHaveCountAsync(3);
            await Expect(page.Recording(answered)).ToHaveJSPropertyAsync("duration", 1);

            string text = await page.Page.InnerTextAsync("body");
            Assert.That(text, Does.Not.Contain("[object").And.Not.Contain("undefined").And.Not.Contain("NaN"), "script values leaking as text");
            await Expect(page.LiveCall(ringing).GetByTestId("shown-to")).ToHaveTextAsync("card: Anna Smirnova, Boris Ivanov");

            string path = await page.ScreenshotAsync("sandbox-portal.png");

            Assert.That(new FileInfo(path).Length, Is.GreaterThan(10_000));
            TestContext.Out.WriteLine($"Screenshot: {path}");
        }
        finally
        {
            await context.DisposeAsync();
        }
    }
}
