using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using FsBitrix.Configuration;
using FsBitrix.Hosting;
using FsBitrix.Sandbox;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace FsBitrix.Benchmarks;

/// <summary>
/// Click-to-call latency: from the moment an OnExternalCallStart POST leaves the "portal" to the moment the
/// fake FreeSWITCH reads the service's <c>bgapi originate</c>. The whole real service runs in this process
/// (Kestrel, token check, SQLite de-duplication, the user directory, the CRM-name lookup against the sandbox
/// portal over loopback HTTP, the ESL client); events are sent one at a time, each with its own CALL_ID.
/// </summary>
internal static partial class ClickToCallBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        int events = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 2_000;
        int warmup = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 200;
        Console.WriteLine($"clicktocall: {events:N0} events after {warmup:N0} warm-up; {Environment.ProcessorCount} cores, .NET {Environment.Version}");

        string folder = Path.Combine(Path.GetTempPath(), "fsbitrix-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        await using SandboxPortal portal = await SandboxPortal.StartAsync(new SandboxOptions { RateLimit = SandboxRateLimit.None }).ConfigureAwait(false);
        await using var freeSwitch = new OriginateCatcher();
        await using WebApplication service = await FsBitrixApp.CreateAsync(["--Serilog:MinimumLevel:Default=Warning"], o =>
        {
            o.Esl.Port = freeSwitch.Port;
            o.Bitrix.WebhookUrl = portal.WebhookUrl.ToString();
            o.Bitrix.RateLimitPerSecond = 0;
            o.Bitrix.ApplicationToken = portal.Options.ApplicationToken;
            o.Http.Urls = "http://127.0.0.1:0";
            o.Storage.Path = Path.Combine(folder, "fsbitrix.db");
        });
        await service.StartAsync().ConfigureAwait(false);
        await freeSwitch.Subscribed.WaitAsync(TimeSpan.FromSeconds(20)).ConfigureAwait(false);
        string address = service.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var url = new Uri(address.TrimEnd('/') + service.Services.GetRequiredService<BitrixSettings>().EventsPath);

        using var http = new HttpClient();
        var latencies = new List<double>(events);
        for (int i = 0; i < warmup + events; i++)
        {
            string callId = $"externalCall.{i:x32}.1795490000";
            Task<long> originated = freeSwitch.Expect(callId);
            using var form = new FormUrlEncodedContent(Event(callId, portal.Options));
            long start = Stopwatch.GetTimestamp();
            using (HttpResponseMessage response = await http.PostAsync(url, form).ConfigureAwait(false))
            {
                response.EnsureSuccessStatusCode();
            }

            long sent = await originated.WaitAsync(TimeSpan.FromSeconds(20)).ConfigureAwait(false);
            if (i >= warmup)
            {
                latencies.Add(Stopwatch.GetElapsedTime(start, sent).TotalMilliseconds);
            }
        }

        await service.StopAsync().ConfigureAwait(false);
        latencies.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"clicktocall: event to originate p50 {Percentile(latencies, 0.50):F2} ms, p99 {Percentile(latencies, 0.99):F2} ms, max {latencies[^1]:F2} ms over {latencies.Count} events"));
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still open; the temp folder is cleaned by the OS.
        }

        return 0;
    }

    private static double Percentile(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

    /// <summary>The fields an outgoing webhook posts for a click by user 2 (extension 1001) on a contact's number.</summary>
    private static List<KeyValuePair<string, string>> Event(string callId, SandboxOptions portal) =>
    [
        new("event", "ONEXTERNALCALLSTART"),
        new("event_handler_id", "1055"),
        new("data[PHONE_NUMBER]", "+79161234567"),
        new("data[PHONE_NUMBER_INTERNATIONAL]", "+79161234567"),
        new("data[EXTENSION]", string.Empty),
        new("data[USER_ID]", "2"),
        new("data[CALL_LIST_ID]", "0"),
        new("data[LINE_NUMBER]", string.Empty),
        new("data[IS_MOBILE]", "0"),
        new("data[CALL_ID]", callId),
        new("data[CRM_ENTITY_TYPE]", "CONTACT"),
        new("data[CRM_ENTITY_ID]", "797"),
        new("ts", "1795490000"),
        new("auth[domain]", portal.Domain),
        new("auth[client_endpoint]", $"https://{portal.Domain}/rest/"),
        new("auth[server_endpoint]", "https://oauth.bitrix.info/rest/"),
        new("auth[member_id]", portal.MemberId),
        new("auth[application_token]", portal.ApplicationToken),
    ];

    [GeneratedRegex(@"bitrix_call_id=([^,}]+)")]
    private static partial Regex CallIdVariable();

    [GeneratedRegex(@"origination_uuid=([0-9a-f-]{36})")]
    private static partial Regex LegVariable();

    /// <summary>
    /// FreeSWITCH's inbound socket, just enough of it: the handshake, an idle <c>show channels</c>, and for each
    /// <c>bgapi originate</c> the time it was read, the command/reply and a BACKGROUND_JOB <c>+OK</c> (the rep
    /// answered; no channel events follow, so nothing is sent to Bitrix24).
    /// </summary>
    private sealed class OriginateCatcher : IAsyncDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly ConcurrentDictionary<string, TaskCompletionSource<long>> _expected = new(StringComparer.Ordinal);
        private readonly TaskCompletionSource _subscribed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly CancellationTokenSource _stop = new();

        public OriginateCatcher()
        {
            _listener.Start();
            _ = Task.Run(ServeAsync);
        }

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        public Task Subscribed => _subscribed.Task;

        public Task<long> Expect(string callId) =>
            _expected.GetOrAdd(callId, _ => new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync().ConfigureAwait(false);
            _listener.Stop();
            _listener.Dispose();
            _stop.Dispose();
        }

        private async Task ServeAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                Socket socket;
                try
                {
                    socket = await _listener.AcceptSocketAsync(_stop.Token).ConfigureAwait(false);
                }
                catch (Exception) when (_stop.IsCancellationRequested)
                {
                    return;
                }

                _ = Task.Run(() => ConverseAsync(socket));
            }
        }

        private async Task ConverseAsync(Socket socket)
        {
            await using var stream = new NetworkStream(socket, ownsSocket: true);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            try
            {
                await WriteAsync(stream, "Content-Type: auth/request\n\n").ConfigureAwait(false);
                var command = new List<string>();
                while (await reader.ReadLineAsync(_stop.Token).ConfigureAwait(false) is { } line)
                {
                    if (line.Length > 0)
                    {
                        command.Add(line);
                        continue;
                    }

                    if (command.Count > 0)
                    {
                        await AnswerAsync(stream, command).ConfigureAwait(false);
                        command.Clear();
                    }
                }
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException)
            {
                // The service went away.
            }
        }

        private async Task AnswerAsync(NetworkStream stream, List<string> command)
        {
            string first = command[0];
            if (first.StartsWith("bgapi originate ", StringComparison.Ordinal))
            {
                long now = Stopwatch.GetTimestamp();
                string callId = CallIdVariable().Match(first).Groups[1].Value;
                string job = command.Skip(1).Where(h => h.StartsWith("Job-UUID: ", StringComparison.Ordinal)).Select(h => h[10..]).First();
                _expected.GetOrAdd(callId, _ => new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult(now);
                await WriteAsync(stream, $"Content-Type: command/reply\nReply-Text: +OK Job-UUID: {job}\nJob-UUID: {job}\n\n").ConfigureAwait(false);
                string body = $"+OK {LegVariable().Match(first).Groups[1].Value}\n";
                string inner = $"Event-Name: BACKGROUND_JOB\nJob-UUID: {job}\nJob-Command: originate\nContent-Length: {Encoding.UTF8.GetByteCount(body)}\n\n{body}";
                await WriteAsync(stream, $"Content-Length: {Encoding.UTF8.GetByteCount(inner)}\nContent-Type: text/event-plain\n\n{inner}").ConfigureAwait(false);
                return;
            }

            if (first.StartsWith("api show channels", StringComparison.Ordinal))
            {
                const string idle = "{\"row_count\":0}\n";
                await WriteAsync(stream, $"Content-Type: api/response\nContent-Length: {idle.Length}\n\n{idle}").ConfigureAwait(false);
                return;
            }

            string reply = first.Split(' ')[0] switch
            {
                "auth" => "+OK accepted",
                "event" => "+OK event listener enabled plain",
                _ => "-ERR command not found",
            };
            await WriteAsync(stream, $"Content-Type: command/reply\nReply-Text: {reply}\n\n").ConfigureAwait(false);
            if (first.StartsWith("event ", StringComparison.Ordinal))
            {
                _subscribed.TrySetResult();
            }
        }

        private static async Task WriteAsync(NetworkStream stream, string text) =>
            await stream.WriteAsync(Encoding.UTF8.GetBytes(text)).ConfigureAwait(false);
    }
}
