using System.Net.Sockets;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using System.Text;
using FsBitrix.Esl.Connection;
using FsBitrix.Esl.Events;
using FsBitrix.Esl.Inbound;
using FsBitrix.Simulator.Flows;
using FsBitrix.Simulator.Tests.Support;

namespace FsBitrix.Simulator.Tests;

/// <summary>The inbound Event Socket as FreeSWITCH speaks it, checked with the ESL library's client and raw bytes.</summary>
[CancelAfter(20_000)]
public sealed class ProtocolTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Test]
    public async Task A_failed_auth_is_answered_byte_for_byte_as_freeswitch_does_then_closed()
    {
        await using Harness h = await Harness.StartAsync();
        byte[] expected = await File.ReadAllBytesAsync(Path.Combine(Path.GetDirectoryName(Fixtures.Scenario("x"))!, "..", "protocol", "inbound_auth_fail.raw"));

        byte[] received = await RawSessionAsync(h.Simulator.Port, "auth wrong\n\n");

        Assert.That(Encoding.UTF8.GetString(received), Is.EqualTo(Encoding.UTF8.GetString(expected)));
    }

    [Test]
    public async Task Exit_says_bye_with_the_disconnect_notice_byte_for_byte()
    {
        await using Harness h = await Harness.StartAsync();
        byte[] expected = await File.ReadAllBytesAsync(Path.Combine(Path.GetDirectoryName(Fixtures.Scenario("x"))!, "..", "protocol", "inbound_exit_disconnect.raw"));

        byte[] received = await RawSessionAsync(h.Simulator.Port, "auth ClueCon\n\nexit\n\n");

        Assert.That(Encoding.UTF8.GetString(received), Is.EqualTo(Encoding.UTF8.GetString(expected)));
    }

    [Test]
    public async Task The_library_client_reports_a_wrong_password_as_refused()
    {
        await using Harness h = await Harness.StartAsync();
        await using var client = new EslInboundClient(Harness.ClientOptions(h.Simulator.Port) with { Password = "nope" });

        await client.StartAsync();
        EslConnectionState refused = await client.ConnectionStates.FirstAsync(s => s.Status == EslConnectionStatus.Refused).ToTask().WaitAsync(Patience);

        Assert.That(refused.LastError, Is.TypeOf<EslAuthenticationException>());
    }

    [Test]
    public async Task Api_answers_status_version_unknown_commands_and_uuid_exists_without_a_newline()
    {
        await using Harness h = await Harness.StartAsync();
        (EslInboundClient client, _) = await h.ConnectAsync();

        Assert.That((await client.ApiAsync("status")).Text, Does.StartWith("UP 0 years").And.Contain("FreeSWITCH (Version 1.10.12-release  64bit) is ready\n"));
        Assert.That((await client.ApiAsync("version")).Text, Is.EqualTo("FreeSWITCH Version 1.10.12-release~64bit ( 64bit)\n"));
        Assert.That((await client.ApiAsync("no_such_command")).Text, Is.EqualTo("-ERR no_such_command Command not found!\n"));
        Assert.That((await client.ApiAsync("uuid_exists 00000000-0000-0000-0000-000000000000")).Text, Is.EqualTo("false"));
        Assert.That((await client.ApiAsync("show channels as json")).Text, Is.EqualTo("{\"row_count\": 0}\n"));
        Assert.That((await client.ApiAsync("show channels count")).Text, Is.EqualTo("\n0 total.\n"));
    }

    [Test]
    public async Task Bgapi_replies_with_the_clients_job_uuid_then_delivers_the_result_as_background_job()
    {
        await using Harness h = await Harness.StartAsync();
        (EslInboundClient client, _) = await h.ConnectAsync();

        BackgroundJobResult job = await client.BackgroundApiAsync("version", "7f4de4bc-17d7-11ee-be56-0242ac120002").WaitAsync(Patience);

        Assert.That(job.JobUuid, Is.EqualTo("7f4de4bc-17d7-11ee-be56-0242ac120002"));
        Assert.That(job.Output, Is.EqualTo("FreeSWITCH Version 1.10.12-release~64bit ( 64bit)\n"));
    }

    [Test]
    public async Task Each_listener_gets_what_it_subscribed_to_in_its_format_and_through_its_filters()
    {
        await using Harness h = await Harness.StartAsync();
        (_, EventLog all) = await h.ConnectAsync();
        (_, EventLog json) = await h.ConnectAsync(Harness.ClientOptions(h.Simulator.Port, "CHANNEL_CREATE", "CHANNEL_HANGUP_COMPLETE") with { EventFormat = EslEventFormat.Json });
        (_, EventLog answers) = await h.ConnectAsync(Harness.ClientOptions(h.Simulator.Port, "CHANNEL_CREATE", "CHANNEL_ANSWER") with
        {
            Filters = [new("Event-Name", "CHANNEL_ANSWER")],
        });

        List<EslEvent> everything = await h.PlayAsync(StandardFlows.InboundAnswered("+79161234567", "74951234567", "1001"), all);
        List<EslEvent> creates = await json.WaitForCountAsync(4);
        List<EslEvent> answered = await answers.WaitForCountAsync(2);

        Assert.That(creates.Select(e => e.EventName), Is.EqualTo(new[] { "CHANNEL_CREATE", "CHANNEL_CREATE", "CHANNEL_HANGUP_COMPLETE", "CHANNEL_HANGUP_COMPLETE" }));
        Assert.That(creates.Select(e => e.Format), Is.All.EqualTo(EslEventFormat.Json));
        Assert.That(creates[2].GetHeaders("Hangup-Cause"), Is.EqualTo(new[] { "NORMAL_CLEARING", "NORMAL_CLEARING" }), "twice, as FreeSWITCH writes it");
        Assert.That(answered.Select(e => e.EventName), Is.All.EqualTo("CHANNEL_ANSWER"));
        Assert.That(everything.Select(e => e.Sequence), Is.Ordered.Ascending);
        Assert.That(everything.Where(e => e.EventName == "CHANNEL_ANSWER").Select(e => e.UniqueId), Is.EqualTo(answered.Select(e => e.UniqueId)));
    }

    [Test]
    public async Task Show_channels_lists_a_live_call_uuid_kill_ends_it_and_the_list_is_empty_after()
    {
        await using Harness h = await Harness.StartAsync();
        (EslInboundClient client, EventLog log) = await h.ConnectAsync();
        CallScript endless = StandardFlows.InboundAnswered("+79161234567", "74951234567", "1001") with { Talk = TimeSpan.FromDays(1) };

        Task call = h.Simulator.PlayAsync(endless);
        List<EslEvent> upToBridge = await log.WaitForAsync("CHANNEL_BRIDGE");
        string customer = upToBridge.First(e => e.EventName == "CHANNEL_BRIDGE").UniqueId!;
        string agent = upToBridge.First(e => e.EventName == "CHANNEL_BRIDGE")["Bridge-B-Unique-ID"]!;
        string listed = (await client.ApiAsync("show channels as json")).Text;
        string exists = (await client.ApiAsync("uuid_exists " + customer)).Text;
        string killed = (await client.ApiAsync("uuid_kill " + customer)).Text;
        await call.WaitAsync(Patience);

        Assert.That(listed, Does.StartWith("{\"row_count\":2,\"rows\":[{\"uuid\":\"" + customer + "\",\"direction\":\"inbound\","));
        Assert.That(listed, Does.Contain("{\"uuid\":\"" + agent + "\",\"direction\":\"outbound\",").And.Contain("\"callstate\":\"ACTIVE\""));
        Assert.That(exists, Is.EqualTo("true"));
        Assert.That(killed, Is.EqualTo("+OK\n"));
        Assert.That((await client.ApiAsync("show channels as json")).Text, Is.EqualTo("{\"row_count\": 0}\n"));
        Assert.That((await client.ApiAsync("uuid_kill " + customer)).Text, Is.EqualTo("-ERR No such channel!\n"));
    }

    private static async Task<byte[]> RawSessionAsync(int port, string commands)
    {
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync("127.0.0.1", port);
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        await stream.WriteAsync(Encoding.UTF8.GetBytes(commands));
        using var received = new MemoryStream();
        await stream.CopyToAsync(received).WaitAsync(Patience); // completes when the simulator closes the socket
        return received.ToArray();
    }
}
