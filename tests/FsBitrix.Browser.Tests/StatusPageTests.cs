using FsBitrix.Demo;
using FsBitrix.Simulator.Flows;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace FsBitrix.Browser.Tests;

/// <summary>
/// The admin's status page at the service's <c>/</c>, in a real Chromium while the demo's simulator plays calls: the
/// FreeSWITCH node, the live call with whose phone rings and who sees the card, the outbox's lanes, and a Bitrix24
/// error with what to do — all live, without a reload.
/// </summary>
[CancelAfter(120_000)]
public class StatusPageTests
{
    [Test]
    public async Task The_page_follows_a_call_from_ringing_to_gone_and_explains_a_bitrix24_outage()
    {
        await using DemoEnvironment demo = await DemoEnvironment.StartAsync([], "http://127.0.0.1:0", 0, "http://127.0.0.1:0");
        await using IBrowserContext context = await Chromium.NewContextAsync();
        IPage page = await context.NewPageAsync();
        var errors = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                errors.Add(message.Text);
            }
        };
        await page.GotoAsync(demo.ServiceUrl.AbsoluteUri);

        await Expect(page).ToHaveTitleAsync("FsBitrix status");
        await Expect(page.GetByTestId("status")).ToHaveTextAsync("ok");
        await Expect(page.GetByTestId("offline")).ToBeHiddenAsync();
        await Expect(page.GetByTestId("write-problem")).ToBeHiddenAsync();
        await Expect(page.GetByTestId("node")).ToContainTextAsync("Connected");
        await Expect(page.GetByTestId("calls")).ToContainTextAsync("no call right now");
        await Expect(page.GetByTestId("lane-default-ringing")).ToContainTextAsync("0");
        await page.EvaluateAsync("window.__marker = 1");

        // 1001 rings for three seconds, then talks for three.
        var script = new CallScript
        {
            Name = "status page",
            Kind = FlowKind.Inbound,
            From = "+79161234567",
            To = "74951234567",
            Rings = [RingGroup.Of(new Phone("1001", PhoneAction.Answers, TimeSpan.FromSeconds(3)))],
            Talk = TimeSpan.FromSeconds(3),
        };
        Task call = demo.Simulator.PlayAsync(script);
        ILocator row = page.GetByTestId("call");
        await Expect(row).ToHaveCountAsync(1, new() { Timeout = 20_000 });
        await Expect(row).ToContainTextAsync("+7916***4567");
        await Expect(row.GetByTestId("cards")).ToHaveTextAsync("1001", new() { Timeout = 20_000 });
        await Expect(row).Not.ToContainTextAsync("9161234567");
        await call.WaitAsync(TimeSpan.FromSeconds(30));
        await Expect(page.GetByTestId("call")).ToHaveCountAsync(0, new() { Timeout = 20_000 });

        // Bitrix24 answers 503 for a while: the error comes with what to do, and the waiting register shows in its lane.
        demo.Portal.Faults.StartOutage();
        Task second = demo.Simulator.PlayAsync(StandardFlows.InboundAnswered("+79261112233", "74951234567", "1002"));
        await Expect(page.GetByTestId("error").First).ToContainTextAsync("will retry", new() { Timeout = 30_000 });
        await Expect(page.GetByTestId("advice").First).ToContainTextAsync("Bitrix24 did not answer");
        await Expect(page.GetByTestId("lane-default-ringing")).ToContainTextAsync("RegisterCall");
        demo.Portal.Faults.Clear();
        await second.WaitAsync(TimeSpan.FromSeconds(30));
        await Expect(page.GetByTestId("lane-default-ringing")).Not.ToContainTextAsync("RegisterCall", new() { Timeout = 30_000 });

        Assert.That(await page.EvaluateAsync<int?>("window.__marker"), Is.EqualTo(1), "every update came live, without a reload");
        Assert.That(errors, Is.Empty, "no script error in the page");
        await page.ScreenshotAsync(new() { Path = Path.Combine(TestContext.CurrentContext.WorkDirectory, "status-page.png"), FullPage = true });
    }
}
