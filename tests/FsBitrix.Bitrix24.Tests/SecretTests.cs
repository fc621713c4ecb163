using FsBitrix.Bitrix24.Errors;
using FsBitrix.Bitrix24.Tests.Support;
using FsBitrix.Sandbox;
using FsBitrix.Sandbox.Faults;

namespace FsBitrix.Bitrix24.Tests;

/// <summary>The webhook code never leaves the client: not in logs, exception messages or ToString.</summary>
public sealed class SecretTests
{
    [Test]
    public async Task The_webhook_code_appears_in_no_log_line_and_no_exception_across_every_failure()
    {
        await using SandboxPortal portal = await Portal.StartAsync();
        var logs = new LogCapture();
        using Bitrix24Client client = Portal.Client(portal, o => o.RequestTimeout = TimeSpan.FromMilliseconds(300), logs);
        using Bitrix24Client refused = Portal.Client(portal, o => o.WebhookUrl = $"http://127.0.0.1:{ErrorTests.ClosedPort()}/rest/1/{Portal.Secret}/", logs);
        using Bitrix24Client wrongUser = Portal.Client(portal, o => o.WebhookUrl = new Uri(portal.BaseUrl, $"rest/7/{Portal.Secret}/").AbsoluteUri, logs);
        var failures = new List<Exception>();
        async Task Capture(Func<Task> action)
        {
            try
            {
                await action();
            }
            catch (Exception e)
            {
                failures.Add(e);
            }
        }

        portal.Faults.Add(new SandboxFault(SandboxFaultKind.HtmlErrorPage) { Count = 4 });
        await Capture(() => client.SearchCrmEntitiesAsync("+79161234567"));
        portal.Faults.Add(new SandboxFault(SandboxFaultKind.Latency) { Count = 4, Latency = TimeSpan.FromSeconds(2) });
        await Capture(() => client.SearchCrmEntitiesAsync("+79161234567"));
        portal.Faults.Clear();
        await Capture(() => refused.SearchCrmEntitiesAsync("+79161234567"));
        await Capture(() => wrongUser.SearchCrmEntitiesAsync("+79161234567"));
        await Capture(() => client.FinishCallAsync(Calls.Finish("externalCall.none.1")));

        Assert.That(failures, Has.Count.EqualTo(5));
        Assert.That(failures, Has.All.TypeOf<Bitrix24Exception>());
        Assert.That(logs.Entries, Is.Not.Empty);
        Assert.That(logs.AllText, Does.Not.Contain(Portal.Secret));
        Assert.That(string.Join('\n', failures.Select(f => f.ToString())), Does.Not.Contain(Portal.Secret));
        Assert.That(client.Webhook!.ToString(), Does.Not.Contain(Portal.Secret).And.Contain("/rest/1/***/"));
    }

    [Test]
    public void Options_to_string_masks_the_code()
    {
        var options = new Bitrix24ClientOptions { WebhookUrl = $"https://b24-x.bitrix24.ru/rest/12/{Portal.Secret}/" };

        Assert.That(options.ToString(), Does.Contain("https://b24-x.bitrix24.ru/rest/12/***/").And.Not.Contain(Portal.Secret));
    }

    [Test]
    public void Invalid_webhook_urls_are_refused_without_quoting_the_code()
    {
        ArgumentException notRest = Assert.Throws<ArgumentException>(() => WebhookUrl.Parse($"https://portal.test/api/{Portal.Secret}"))!;
        ArgumentException plainHttp = Assert.Throws<ArgumentException>(() => WebhookUrl.Parse($"http://portal.test/rest/1/{Portal.Secret}/"))!;

        Assert.That(notRest.Message, Does.Not.Contain(Portal.Secret));
        Assert.That(plainHttp.Message, Does.Contain("https").And.Not.Contain(Portal.Secret));
    }

    [Test]
    public void Redact_replaces_the_code_everywhere()
    {
        WebhookUrl url = WebhookUrl.Parse($"https://portal.test/rest/1/{Portal.Secret}/");

        Assert.That(url.Redact($"GET /rest/1/{Portal.Secret}/user.get and {Portal.Secret}"), Is.EqualTo("GET /rest/1/***/user.get and ***"));
        Assert.That(url.UserId, Is.EqualTo(1));
        Assert.That(url.Portal, Is.EqualTo("portal.test"));
    }
}
