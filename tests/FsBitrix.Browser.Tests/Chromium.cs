using Microsoft.Playwright;

namespace FsBitrix.Browser.Tests;

/// <summary>
/// One headless Debian Chromium for every test in this namespace and below. Playwright's own browser download is never used
/// (CI reaches package registries only): .ci/run installs the <c>chromium</c> package instead.
/// </summary>
[SetUpFixture]
public sealed class Chromium
{
    public const string ExecutablePath = "/usr/bin/chromium";

    /// <summary>The size the page is designed for.</summary>
    public static readonly ViewportSize Viewport = new() { Width = 1280, Height = 800 };

    private static IPlaywright? _playwright;
    private static IBrowser? _browser;

    // Quiet and offline: no sandbox (root in a container), no GPU, and none of the calls home Chromium makes.
    private static readonly string[] Args =
    [
        "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic",
    ];

    public static IBrowser Browser => _browser ?? throw new InvalidOperationException("Chromium is not started (the SetUpFixture did not run).");

    /// <summary>A fresh context (cookies, cache) at the design size; dispose it at the end of the test.</summary>
    public static Task<IBrowserContext> NewContextAsync() => Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = Viewport });

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        if (!File.Exists(ExecutablePath))
        {
            Assert.Fail($"{ExecutablePath} is missing: install Debian's chromium package (apt-get install chromium); .ci/run does this.");
        }

        // Expectations wait for the page's live updates; generous for a loaded CI machine, instant when all is well.
        Assertions.SetDefaultExpectTimeout(10_000);
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args = Args,
        });
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
    }
}
