using System.Net;
using System.Net.Sockets;
using FsBitrix.Cli;
using Microsoft.Extensions.Configuration;

namespace FsBitrix.Tests;

/// <summary>
/// The command line: verbs with --help, a clear error for a word it does not know, settings as configuration keys,
/// and a taken port said in one line naming the setting that moves it.
/// </summary>
[CancelAfter(30_000)]
public class CommandLineTests
{
    [Test]
    public async Task Help_lists_every_verb()
    {
        (int code, string output, _) = await RunAsync("--help");

        Assert.That(code, Is.Zero);
        Assert.That(output, Does.Contain("run").And.Contain("check").And.Contain("backfill"));
        Assert.That(output, Does.Not.Contain("demo"), "the demo is a program of its own (src/FsBitrix.Demo)");
    }

    [Test]
    public async Task Backfill_help_names_its_options()
    {
        (int code, string output, _) = await RunAsync("backfill", "--help");

        Assert.That(code, Is.Zero);
        Assert.That(output, Does.Contain("--since").And.Contain("--until").And.Contain("--new-portal"));
    }

    [TestCase("frobnicate")]
    [TestCase("check", "--bogus")]
    [TestCase("demo")]
    [TestCase("run", "--Esl.Host=x")]
    public async Task An_unknown_word_is_a_clear_error_and_runs_nothing(params string[] args)
    {
        (int code, _, string error) = await RunAsync(args);

        Assert.That(code, Is.Not.Zero);
        Assert.That(error, Does.Contain("Unrecognized command or argument '" + args[^1] + "'"));
    }

    [Test]
    public async Task Backfill_without_since_says_it_is_required()
    {
        (int code, _, string error) = await RunAsync("backfill");

        Assert.That(code, Is.Not.Zero);
        Assert.That(error, Does.Contain("--since"));
    }

    [TestCase("--FsBitrix:Esl:Host=10.0.0.5", true)]
    [TestCase("--Serilog:MinimumLevel:Default=Debug", true)]
    [TestCase("--help", false)]
    [TestCase("--since=2026-12-01", false)]
    [TestCase("--FsBitrix:Esl:Host", false)]
    public void Settings_are_configuration_keys_with_a_value(string arg, bool setting)
    {
        Assert.That(FsBitrixCommandLine.IsSetting(arg), Is.EqualTo(setting));
    }

    [Test]
    public async Task The_service_on_a_taken_port_ends_with_one_line_naming_the_port_and_its_setting()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        int port = ((IPEndPoint)taken.LocalEndpoint).Port;
        string folder = Directory.CreateTempSubdirectory("fsbitrix-cli-").FullName;
        try
        {
            (int code, string output, string error) = await RunAsync("run",
                $"--FsBitrix:Http:Urls=http://127.0.0.1:{port}",
                "--FsBitrix:Bitrix:WebhookUrl=http://127.0.0.1:9/rest/1/abcdef/",
                $"--FsBitrix:Storage:Path={Path.Combine(folder, "fsbitrix.db")}");

            Assert.That(code, Is.EqualTo(FsBitrixCommandLine.PortTaken));
            Assert.That(error.Trim().Split('\n'), Has.Length.EqualTo(1), error);
            Assert.That(error, Does.Contain($"port {port}").And.Contain("FsBitrix:Http:Urls").And.Contain("FsBitrix__Http__Urls"));
            Assert.That(error + output, Does.Not.Contain("   at "), "no stack trace");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Test]
    public async Task The_demo_on_a_taken_port_ends_with_one_line_naming_the_demo_setting()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        int port = ((IPEndPoint)taken.LocalEndpoint).Port;

        using var output = new StringWriter();
        using var errors = new StringWriter();
        int code = await Demo.Program.RunAsync(["--FsBitrix:Http:Urls=http://127.0.0.1:0",
            $"--FsBitrix:Demo:PortalUrl=http://127.0.0.1:{port}", "--FsBitrix:Demo:SecondPortalUrl=http://127.0.0.1:0",
            "--FsBitrix:Demo:SimulatorPort=0"], output, errors);
        string error = errors.ToString();

        Assert.That(code, Is.EqualTo(FsBitrixCommandLine.PortTaken));
        Assert.That(error.Trim().Split('\n'), Has.Length.EqualTo(1), error);
        Assert.That(error, Does.Contain($"port {port}").And.Contain("FsBitrix:Demo:PortalUrl"));
    }

    [Test]
    public async Task The_demo_refuses_a_word_it_does_not_know_and_explains_its_settings()
    {
        using var output = new StringWriter();
        using var errors = new StringWriter();
        Assert.That(await Demo.Program.RunAsync(["extra"], output, errors), Is.Not.Zero);
        Assert.That(errors.ToString(), Does.Contain("Unrecognized command or argument 'extra'"));

        using var help = new StringWriter();
        Assert.That(await Demo.Program.RunAsync(["--help"], help, errors), Is.Zero);
        Assert.That(help.ToString(), Does.Contain("FsBitrix:Demo:PortalUrl"));
    }

    [Test]
    public void The_demo_takes_its_ports_from_the_configuration_like_every_setting()
    {
        Microsoft.Extensions.Configuration.IConfiguration configuration = new Microsoft.Extensions.Configuration.ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["FsBitrix:Http:Urls"] = "http://127.0.0.1:9085",
                ["FsBitrix:Demo:PortalUrl"] = "http://127.0.0.1:9086",
                ["FsBitrix:Demo:SimulatorPort"] = "19021",
            }).Build();

        (string service, Demo.DemoSettings demo) = Demo.DemoCommand.Addresses(configuration);

        Assert.That(service, Is.EqualTo("http://127.0.0.1:9085"));
        Assert.That(demo.PortalUrl, Is.EqualTo("http://127.0.0.1:9086"));
        Assert.That(demo.SimulatorPort, Is.EqualTo(19021));
        Assert.That(demo.SecondPortalUrl, Is.EqualTo("http://127.0.0.1:8087"), "the default where nothing is set");
    }

    [Test]
    public async Task A_configuration_problem_is_exit_code_78_with_its_message()
    {
        (int code, _, string error) = await RunAsync("run", "--FsBitrix:Recordings:Format=ogg", "--FsBitrix:Http:Urls=http://127.0.0.1:0");

        Assert.That(code, Is.EqualTo(78));
        Assert.That(error, Does.Contain("FsBitrix:Recordings:Format is 'ogg'"));
    }

    private static async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int code = await FsBitrixCommandLine.RunAsync(args, output, error);
        return (code, output.ToString(), error.ToString());
    }
}
