using Microsoft.Playwright;

namespace FsBitrix.Browser.Tests.Support;

/// <summary>
/// The sandbox portal page as a visitor sees it: every locator a test needs, by <c>data-testid</c>, so
/// tests (this project's and the demo loop's) say what they check, not how the page is built.
/// </summary>
public sealed class SandboxPage(IPage page)
{
    public IPage Page => page;

    public ILocator Title => page.GetByTestId("title");

    public ILocator Domain => page.GetByTestId("domain");

    /// <summary>Shows "Live" once the first state arrived over the event stream.</summary>
    public ILocator Connection => page.GetByTestId("connection");

    public ILocator Agents => page.GetByTestId("agent");

    public ILocator LiveCalls => page.GetByTestId("live-call");

    public ILocator LogRows => page.GetByTestId("log-row");

    public ILocator CrmRows => page.GetByTestId("crm-row");

    public ILocator Handler => page.GetByTestId("handler");

    public ILocator Toast => page.GetByTestId("toast");

    /// <summary>Opens the portal in a new tab of <paramref name="context"/>.</summary>
    public static async Task<SandboxPage> OpenAsync(IBrowserContext context, Uri portalUrl) =>
        await OpenAsync(await context.NewPageAsync(), portalUrl);

    /// <summary>
    /// Loads the portal in an existing tab (a new tab costs a renderer process, about a second on a busy
    /// machine) and waits until the first state has arrived over the event stream.
    /// </summary>
    public static async Task<SandboxPage> OpenAsync(IPage page, Uri portalUrl)
    {
        await page.GotoAsync(portalUrl.AbsoluteUri);
        var sandbox = new SandboxPage(page);
        await Assertions.Expect(sandbox.Connection).ToHaveAttributeAsync("data-state", "live");
        return sandbox;
    }

    /// <summary>Leaves the portal (closing its event stream), so the portal can stop at once.</summary>
    public Task LeaveAsync() => page.GotoAsync("about:blank");

    public ILocator Agent(int userId) => page.Locator($"[data-testid=agent][data-user-id='{userId}']");

    /// <summary>The call card <paramref name="callId"/> on the screen of agent <paramref name="userId"/>.</summary>
    public ILocator CallCard(int userId, string callId) => Agent(userId).Locator($"[data-testid=call-card][data-call-id='{callId}']");

    public ILocator LiveCall(string callId) => page.Locator($"[data-testid=live-call][data-call-id='{callId}']");

    public ILocator LogRow(string callId) => page.Locator($"[data-testid=log-row][data-call-id='{callId}']");

    public ILocator Recording(string callId) => LogRow(callId).GetByTestId("recording");

    public ILocator CrmRow(string type, long id) => page.Locator($"[data-testid=crm-row][data-entity='{type}-{id}']");

    public ILocator PhoneButton(string phone) => page.Locator($"[data-testid=call-phone][data-phone='{phone}']").First;

    /// <summary>Clicks <paramref name="phone"/> in the CRM as agent <paramref name="userId"/>, as a rep would.</summary>
    public async Task ClickToCallAsync(int userId, string phone)
    {
        await page.GetByTestId("caller-select").SelectOptionAsync(userId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await PhoneButton(phone).ClickAsync();
    }

    /// <summary>Marks the loaded document; <see cref="WasNotReloadedAsync"/> proves later updates came live.</summary>
    public Task MarkAsync() => page.EvaluateAsync("() => { window.__sandboxMark = 'kept'; }");

    public async Task<bool> WasNotReloadedAsync() => await page.EvaluateAsync<string?>("() => window.__sandboxMark ?? null") == "kept";

    /// <summary>A full-page PNG in the test's work folder, attached to the result.</summary>
    public async Task<string> ScreenshotAsync(string name)
    {
        string path = Path.Combine(TestContext.CurrentContext.WorkDirectory, name);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        TestContext.AddTestAttachment(path, "The sandbox portal page at 1280×800");
        return path;
    }
}
