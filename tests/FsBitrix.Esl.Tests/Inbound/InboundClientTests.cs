using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using FsBitrix.Esl.Connection;
using FsBitrix.Esl.Events;
using FsBitrix.Esl.Inbound;
using FsBitrix.Esl.Protocol;
using FsBitrix.Esl.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace FsBitrix.Esl.Tests.Inbound;

[CancelAfter(30_000)]
public class InboundClientTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private static EslInboundOptions Options(FakeFreeSwitch fs, string password = "ClueCon") => new()
    {
        Port = fs.Port,
        Password = password,
        Events = [EslEventNames.ChannelCreate, EslEventNames.ChannelHangupComplete, EslEventNames.BackgroundJob],
        CustomSubclasses = ["sofia::transferor"],
        Reconnect = new ReconnectBackoff { InitialDelay = TimeSpan.FromMilliseconds(20), MaxDelay = TimeSpan.FromMilliseconds(100) },
    };

    [Test]
    public async Task Connects_authenticates_and_subscribes_with_custom_subclasses_last()
    {
        await using var fs = new FakeFreeSwitch();
        await using var client = new EslInboundClient(Options(fs));

        await client.StartAsync();
        EslConnectionState state = await client.WaitConnectedAsync().WaitAsync(Patience);
        FakeEslSession session = await fs.NextSessionAsync();

        Assert.That(state.Epoch, Is.EqualTo(1));
        Assert.That((await session.NextCommandAsync()).Line, Is.EqualTo("auth ClueCon"));
        Assert.That((await session.NextCommandAsync()).Line,
            Is.EqualTo("event plain CHANNEL_CREATE CHANNEL_HANGUP_COMPLETE BACKGROUND_JOB CUSTOM sofia::transferor"));
    }

    [Test]
    public async Task Configured_filters_follow_the_subscription_on_every_connection()
    {
        await using var fs = new FakeFreeSwitch();
        EslInboundOptions options = Options(fs) with { Filters = [new("Event-Name", "CHANNEL_CREATE")] };
        await using var client = new EslInboundClient(options);
        await client.StartAsync();
        await client.WaitConnectedAsync().WaitAsync(Patience);
        FakeEslSession first = await fs.NextSessionAsync();
        Task<EslConnectionState> again = client.ConnectionStates.FirstAsync(s => s.IsConnected && s.Epoch == 2).ToTask();

        first.Drop();
        await again.WaitAsync(Patience);
        FakeEslSession second = await fs.NextSessionAsync();
        await second.NextCommandAsync(c => c.Line.StartsWith("filter", StringComparison.Ordinal));

        Assert.That(first.Received.Select(c => c.Line.Split(' ')[0]), Is.EqualTo(new[] { "auth", "event", "filter" }));
        Assert.That(second.Received.Last().Line, Is.EqualTo("filter Event-Name CHANNEL_CREATE"));
    }

    [Test]
    public async Task A_wrong_password_is_reported_as_refused_not_as_a_network_fault()
    {
        await using var fs = new FakeFreeSwitch();
        await using var client = new EslInboundClient(Options(fs, password: "wrong"));

        await client.StartAsync();
        EslConnectionState refused = await client.ConnectionStates.FirstAsync(s => s.Status == EslConnectionStatus.Refused)
            .ToTask().WaitAsync(Patience);

        Assert.That(refused.LastError, Is.TypeOf<EslAuthenticationException>());
        Assert.That(refused.LastError!.Message, Does.Contain("-ERR invalid").And.Not.Contain("wrong"));
    }

    [Test]
    public async Task A_rude_rejection_is_reported_with_the_acl_hint()
    {
        await using var fs = new FakeFreeSwitch { RejectRudely = true };
        await using var client = new EslInboundClient(Options(fs));

        await client.StartAsync();
        EslConnectionState refused = await client.ConnectionStates.FirstAsync(s => s.Status == EslConnectionStatus.Refused)
            .ToTask().WaitAsync(Patience);

        Assert.That(refused.LastError, Is.TypeOf<EslRudeRejectionException>());
        Assert.That(refused.LastError!.Message, Does.Contain("Access Denied"));
    }

    [Test]
    public async Task Api_replies_come_back_in_order_including_output_without_a_trailing_newline()
    {
        await using var fs = new FakeFreeSwitch();
        fs.ApiResponses["uuid_exists 0000"] = "false";
        fs.ApiResponses["status"] = "UP 0 years, 0 days\nready\n";
        await using var client = new EslInboundClient(Options(fs));
        await client.StartAsync();
        await client.WaitConnectedAsync().WaitAsync(Patience);

        Task<EslReply> first = client.ApiAsync("uuid_exists 0000");
        Task<EslReply> second = client.ApiAsync("status");
        Task<EslReply> third = client.ApiAsync("no_such_command");

        Assert.That((await first).Text, Is.EqualTo("false"));
        Assert.That((await second).Text, Does.StartWith("UP 0 years"));
        Assert.That((await third).IsSuccess, Is.False);
        Assert.That((await third).Text, Does.Contain("Command not found"));
    }

    [Test]
    public async Task Two_background_jobs_in_flight_each_get_their_own_result()
    {
        await using var fs = new FakeFreeSwitch { CompleteJobsAtOnce = false };
        await using var client = new EslInboundClient(Options(fs));
        await client.StartAsync();
        await client.WaitConnectedAsync().WaitAsync(Patience);
        FakeEslSession session = fs.AllSessions.Single();

        Task<BackgroundJobResult> originate = client.BackgroundApiAsync("originate user/1001 &park()");
        Task<BackgroundJobResult> version = client.BackgroundApiAsync("version");
        ReceivedCommand first = await session.NextCommandAsync(c => c.Line.StartsWith("bgapi", StringComparison.Ordinal));
        ReceivedCommand second = await session.NextCommandAsync(c => c.Line.StartsWith("bgapi", StringComparison.Ordinal));

        // Finished in the opposite order to the requests.
        await session.SendAsync(FakeFreeSwitch.BackgroundJob(second["Job-UUID"]!, "version", "FreeSWITCH Version 1.10.12\n"));
        await session.SendAsync(FakeFreeSwitch.BackgroundJob(first["Job-UUID"]!, "originate", "-ERR USER_BUSY\n"));

        Assert.That(first["Job-UUID"], Is.Not.EqualTo(second["Job-UUID"]));
        Assert.That((await version.WaitAsync(Patience)).Output, Does.StartWith("FreeSWITCH Version"));
        BackgroundJobResult failed = await originate.WaitAsync(Patience);
        Assert.That(failed.IsSuccess, Is.False);
        Assert.That(failed.Value, Is.EqualTo("USER_BUSY"));
    }

    [Test]
    public async Task Replayed_capture_events_reach_subscribers_complete_and_in_order()
    {
        await using var fs = new FakeFreeSwitch();
        await using var client = new EslInboundClient(Options(fs));
        byte[] capture = Fixtures.Bytes("protocol/inbound_plain_call.raw");
        List<EslFrame> frames = FrameReplay.Whole(capture);
        List<string> expected = frames.Where(f => f.IsEvent).Select(f => f.Event.EventName!).ToList();
        int strayReplies = frames.Count(f => f.ContentType is EslContentType.CommandReply or EslContentType.ApiResponse);
        Task<IList<string>> received = client.SelectEvents(e => e.EventName).Take(expected.Count).ToList().ToTask();
        await client.StartAsync();
        await client.WaitConnectedAsync().WaitAsync(Patience);

        await fs.AllSessions.Single().SendAsync(capture);

        Assert.That(await received.WaitAsync(Patience), Is.EqualTo(expected));
        Assert.That(client.Statistics.FramesSkipped, Is.EqualTo(strayReplies), "the capture's own replies had no command waiting");
    }

    [Test]
    public async Task After_the_socket_drops_it_reconnects_reauthenticates_resubscribes_and_faults_what_was_pending()
    {
        await using var fs = new FakeFreeSwitch();
        fs.Unanswered.Add("api");
        await using var client = new EslInboundClient(Options(fs));
        await client.StartAsync();
        await client.WaitConnectedAsync().WaitAsync(Patience);
        FakeEslSession first = await fs.NextSessionAsync();
        Task<EslReply> pending = client.ApiAsync("show channels as json");
        await first.NextCommandAsync(c => c.Line.StartsWith("api", StringComparison.Ordinal));
        Task<EslConnectionState> second = client.ConnectionStates.FirstAsync(s => s.IsConnected && s.Epoch == 2).ToTask();

        first.Drop();

        Assert.ThrowsAsync<EslDisconnectedException>(async () => await pending.WaitAsync(Patience));
        Assert.That((await second.WaitAsync(Patience)).Epoch, Is.EqualTo(2));
        FakeEslSession again = await fs.NextSessionAsync();
        Assert.That(again.Received.Select(c => c.Line.Split(' ')[0]), Is.EqualTo(new[] { "auth", "event" }));
        Task<EslEvent> next = client.Events.FirstAsync().ToTask();
        await again.SendAsync(FakeFreeSwitch.Event("Event-Name: CHANNEL_CREATE\nUnique-ID: after-gap\n\n"));
        Assert.That((await next.WaitAsync(Patience)).UniqueId, Is.EqualTo("after-gap"));
    }

    [Test]
    public async Task A_garbage_frame_ends_the_connection_with_a_protocol_error_and_the_client_comes_back()
    {
        await using var fs = new FakeFreeSwitch();
        await using var client = new EslInboundClient(Options(fs));
        await client.StartAsync();
        await client.WaitConnectedAsync().WaitAsync(Patience);
        Task<EslConnectionState> lost = client.ConnectionStates.FirstAsync(s => s.Status == EslConnectionStatus.Disconnected).ToTask();
        Task<EslConnectionState> back = client.ConnectionStates.FirstAsync(s => s.IsConnected && s.Epoch == 2).ToTask();

        await fs.AllSessions.Single().SendAsync("HTTP/1.1 400 Bad Request\nthis is not esl\n\n"u8.ToArray());

        Assert.That((await lost.WaitAsync(Patience)).LastError, Is.TypeOf<EslProtocolException>());
        await back.WaitAsync(Patience);
    }

    [Test]
    public async Task Unknown_frames_are_skipped_and_delivery_goes_on()
    {
        await using var fs = new FakeFreeSwitch();
        await using var client = new EslInboundClient(Options(fs));
        Task<EslEvent> next = client.Events.FirstAsync().ToTask();
        await client.StartAsync();
        await client.WaitConnectedAsync().WaitAsync(Patience);

        await fs.AllSessions.Single().SendAsync([.. "Content-Type: text/brand-new\nContent-Length: 3\n\nxyz"u8.ToArray(),
            .. FakeFreeSwitch.Event("Event-Name: HEARTBEAT\n\n")]);

        Assert.That((await next.WaitAsync(Patience)).EventName, Is.EqualTo("HEARTBEAT"));
        Assert.That(client.Statistics.FramesSkipped, Is.EqualTo(1));
    }

    [Test]
    public async Task Disconnect_notices_and_log_lines_are_published()
    {
        await using var fs = new FakeFreeSwitch();
        await using var client = new EslInboundClient(Options(fs));
        Task<EslDisconnectNotice> notice = client.Notices.FirstAsync().ToTask();
        Task<(int Level, string Text)> log = client.Logs.FirstAsync().ToTask();
        await client.StartAsync();
        await client.WaitConnectedAsync().WaitAsync(Patience);

        await fs.AllSessions.Single().SendAsync([.. "Content-Type: log/data\nContent-Length: 5\nLog-Level: 4\n\nhello"u8.ToArray(),
            .. FakeFreeSwitch.ByeNotice]);

        Assert.That((await log.WaitAsync(Patience)), Is.EqualTo((4, "hello")));
        Assert.That((await notice.WaitAsync(Patience)).Message, Does.StartWith("Disconnected, goodbye."));
    }

    [Test]
    public async Task A_command_without_reply_times_out_on_the_injected_clock()
    {
        await using var fs = new FakeFreeSwitch();
        fs.Unanswered.Add("api");
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        EslInboundOptions options = Options(fs) with { CommandTimeout = TimeSpan.FromSeconds(5) };
        await using var client = new EslInboundClient(options, time: time);
        await client.StartAsync();
        await client.WaitConnectedAsync().WaitAsync(Patience);

        Task<EslReply> api = client.ApiAsync("status");
        await fs.AllSessions.Single().NextCommandAsync(c => c.Line == "api status");
        Assert.That(api.IsCompleted, Is.False);
        time.Advance(TimeSpan.FromSeconds(6));

        var ex = Assert.ThrowsAsync<TimeoutException>(async () => await api.WaitAsync(Patience));
        Assert.That(ex!.Message, Does.Contain("api status"));
    }

    [Test]
    public async Task Commands_with_line_breaks_are_refused_before_anything_is_sent()
    {
        await using var fs = new FakeFreeSwitch();
        await using var client = new EslInboundClient(Options(fs));
        await client.StartAsync();
        await client.WaitConnectedAsync().WaitAsync(Patience);

        Assert.ThrowsAsync<ArgumentException>(() => client.ApiAsync("status\n\napi fsctl shutdown"));
        Assert.Throws<ArgumentException>(() => new EslCommand("sendmsg").WithHeader("execute-app-arg", "a\r\nb"));
        Assert.That((await client.ApiAsync("no_such")).IsSuccess, Is.False, "the connection is still in step");
        Assert.That(fs.AllSessions.Single().Received.Select(c => c.Line), Has.None.Contains("fsctl"));
    }

    [Test]
    public async Task A_slow_subscriber_delays_the_reader_but_loses_nothing()
    {
        await using var fs = new FakeFreeSwitch();
        await using var client = new EslInboundClient(Options(fs) with { EventBufferCapacity = 2 });
        using var gate = new SemaphoreSlim(0);
        const int count = 50;
        Task<IList<string>> received = client.SelectEvents(e =>
        {
            gate.Wait();
            return e.UniqueId;
        }).Take(count).ToList().ToTask();
        await client.StartAsync();
        await client.WaitConnectedAsync().WaitAsync(Patience);

        await fs.AllSessions.Single().SendAsync(Enumerable.Range(0, count)
            .SelectMany(i => FakeFreeSwitch.Event($"Event-Name: CHANNEL_CREATE\nUnique-ID: {i}\n\n")).ToArray());
        gate.Release(count);

        Assert.That(await received.WaitAsync(Patience), Is.EqualTo(Enumerable.Range(0, count).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        Assert.That(client.Statistics.EventsDelayedByBackpressure, Is.GreaterThan(0));
    }

    [TestCase(0, 250, 500)]
    [TestCase(3, 2000, 4000)]
    [TestCase(20, 15000, 30000)]
    public void Reconnect_delays_grow_exponentially_with_jitter_up_to_the_cap(int failures, int minMs, int maxMs)
    {
        var backoff = new ReconnectBackoff { InitialDelay = TimeSpan.FromMilliseconds(500), MaxDelay = TimeSpan.FromSeconds(30) };

        Assert.That(backoff.Delay(failures, 0).TotalMilliseconds, Is.EqualTo(minMs));
        Assert.That(backoff.Delay(failures, 0.999999).TotalMilliseconds, Is.EqualTo(maxMs).Within(1));
    }

    [Test]
    public void The_password_never_shows_in_options_or_logged_commands()
    {
        var options = new EslInboundOptions { Password = "s3cret-pw" };

        Assert.That(options.ToString(), Does.Not.Contain("s3cret-pw"));
        Assert.That(new EslCommand("auth s3cret-pw").ToString(), Does.Not.Contain("s3cret-pw"));
    }
}
