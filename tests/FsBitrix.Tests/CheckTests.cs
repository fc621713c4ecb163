using FsBitrix.Check;
using FsBitrix.Configuration;
using FsBitrix.Sandbox;
using FsBitrix.Simulator;

namespace FsBitrix.Tests;

/// <summary><c>fsbitrix check</c> against the FreeSWITCH simulator and the sandbox portal: each finding with its fix.</summary>
[CancelAfter(60_000)]
public class CheckTests
{
    [Test]
    public async Task A_working_installation_passes_every_check()
    {
        (int exit, string output) = await CheckAsync(o => { });

        Assert.That(exit, Is.Zero, output);
        Assert.That(output, Does.Contain("ok    logged in; FreeSWITCH Version"));
        Assert.That(output, Does.Contain("ok    user.get: 4 active employee(s), 3 with an extension"));
        Assert.That(output, Does.Contain("ok    telephony.externalcall.searchCrmEntities: allowed"));
        Assert.That(output, Does.Not.Contain("FAIL"));
    }

    [Test]
    public async Task A_wrong_event_socket_password_fails_with_the_fix()
    {
        (int exit, string output) = await CheckAsync(o => o.Esl.Password = "wrong");

        Assert.That(exit, Is.EqualTo(1));
        Assert.That(output, Does.Contain("FAIL  cannot log in"));
        Assert.That(output, Does.Contain("set FsBitrix:Esl:Password to the password in event_socket.conf.xml"));
        Assert.That(output, Does.Not.Contain("wrong"), "the password itself is never printed");
    }

    [Test]
    public async Task A_wrong_webhook_code_fails_with_the_fix_and_the_code_is_masked()
    {
        (int exit, string output) = await CheckAsync(o => o.Bitrix.WebhookUrl = o.Bitrix.WebhookUrl!.Replace("/rest/1/", "/rest/1/x", StringComparison.Ordinal));

        Assert.That(exit, Is.EqualTo(1));
        Assert.That(output, Does.Contain("FAIL  user.get failed"));
        Assert.That(output, Does.Contain("the webhook code is wrong, expired or deleted"));
        Assert.That(output, Does.Contain("/rest/1/***/"));
    }

    [Test]
    public async Task Missing_settings_are_listed_one_by_one()
    {
        (int exit, string output) = await CheckAsync(o =>
        {
            o.Bitrix.WebhookUrl = null;
            o.Recordings.Mode = "ftp";
        });

        Assert.That(exit, Is.EqualTo(1));
        Assert.That(output, Does.Contain("FAIL  FsBitrix:Bitrix:WebhookUrl is not set"));
        Assert.That(output, Does.Contain("FAIL  FsBitrix:Recordings:Mode is 'ftp'"));
    }

    private static async Task<(int Exit, string Output)> CheckAsync(Action<FsBitrixOptions> change)
    {
        await using SandboxPortal portal = await SandboxPortal.StartAsync(new SandboxOptions { RateLimit = SandboxRateLimit.None });
        await using var simulator = new FreeSwitchSimulator(new SimulatorOptions { Port = 0 });
        await simulator.StartAsync();
        var options = new FsBitrixOptions();
        options.Esl.Port = simulator.Port;
        options.Bitrix.WebhookUrl = portal.WebhookUrl.ToString();
        change(options);
        using var output = new StringWriter();
        int exit = await new InstallationCheck(options, new CheckReport(output)).RunAsync(CancellationToken.None);
        return (exit, output.ToString());
    }
}
