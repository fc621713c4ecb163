using FsBitrix.Bitrix24.Retry;
using FsBitrix.Sandbox;

namespace FsBitrix.Bitrix24.Tests.Support;

/// <summary>A fresh sandbox portal and a client that never retries, per test: each request a test makes is one on the wire.</summary>
public abstract class PortalClientFixture
{
    protected SandboxPortal portal = null!;
    protected Bitrix24Client client = null!;

    [SetUp]
    public async Task StartPortalAsync()
    {
        portal = await Portal.StartAsync();
        client = Portal.Client(portal, o => o.Retry = new RetryOptions { MaxRetryAttempts = 0 });
    }

    [TearDown]
    public async Task StopPortalAsync()
    {
        client.Dispose();
        await portal.DisposeAsync();
    }
}
