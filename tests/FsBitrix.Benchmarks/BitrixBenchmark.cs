using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using FsBitrix.Bitrix24;
using FsBitrix.Bitrix24.RateLimiting;
using FsBitrix.Bitrix24.Retry;
using FsBitrix.Bitrix24.Telephony;
using FsBitrix.Sandbox;

namespace FsBitrix.Benchmarks;

/// <summary>
/// Bitrix24 client throughput and overhead.
/// 1. End to end: <c>telephony.externalcall.show</c> through the client (limiter unlimited) to an unlimited
///    sandbox portal over loopback HTTP, with N requests in flight — requests per second.
/// 2. Client overhead: the same calls (and a full register) against an in-memory HTTP handler that answers
///    a canned Bitrix24 envelope, one at a time — microseconds and allocated bytes per request, i.e. what
///    the client itself costs: JSON body, limiter, Polly pipeline, RestSharp, envelope parsing.
/// </summary>
internal static class BitrixBenchmark
{
    private const string ShowAnswer = """{"result":true,"time":{"start":1773131821,"finish":1773131822.195407,"duration":1.19,"processing":1,"date_start":"2026-03-10T11:37:01+01:00","date_finish":"2026-03-10T11:37:02+01:00","operating_reset_at":1773132421,"operating":0.28}}""";
    private const string RegisterAnswer = """{"result":{"CALL_ID":"externalCall.716f1cb73def9700a23842adf9c4c568.1773130779","CRM_CREATED_LEAD":null,"CRM_CREATED_ENTITIES":[],"CRM_ENTITY_TYPE":"CONTACT","CRM_ENTITY_ID":797},"time":{"start":1773130778,"finish":1773130779.12,"duration":1.12,"processing":1,"date_start":"2026-03-10T11:19:38+03:00","date_finish":"2026-03-10T11:19:39+03:00","operating_reset_at":1773131378,"operating":0.22}}""";

    public static async Task<int> RunAsync(string[] args)
    {
        int requests = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 20_000;
        int inFlight = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 16;
        int overheadRequests = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 50_000;
        Console.WriteLine($"bitrix: {requests:N0} requests, {inFlight} in flight; overhead over {overheadRequests:N0}; {Environment.ProcessorCount} cores, .NET {Environment.Version}");

        double rps = await EndToEndAsync(requests, inFlight).ConfigureAwait(false);
        (double showMicros, double showBytes) = await OverheadAsync(overheadRequests, ShowAnswer, c => c.ShowCallAsync("externalCall.716f1cb73def9700a23842adf9c4c568.1773130779", [2, 3])).ConfigureAwait(false);
        RegisterCallRequest register = new()
        {
            ExternalCallId = "0d6f6c1e-4a8e-4c55-9a0b-2b2f8d0d1e11",
            UserId = 2,
            PhoneNumber = "+79161234567",
            Type = CallType.Incoming,
            CallStartDate = new DateTimeOffset(2026, 3, 10, 11, 19, 38, TimeSpan.FromHours(3)),
            CrmCreate = true,
            LineNumber = "74950000000",
        };
        (double registerMicros, double registerBytes) = await OverheadAsync(overheadRequests, RegisterAnswer, c => c.RegisterCallAsync(register)).ConfigureAwait(false);

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"bitrix: e2e {rps:F0} req/s; overhead show {showMicros:F1} us {showBytes:F0} B, register {registerMicros:F1} us {registerBytes:F0} B per request"));
        return 0;
    }

    private static async Task<double> EndToEndAsync(int requests, int inFlight)
    {
        await using SandboxPortal portal = await SandboxPortal.StartAsync(new SandboxOptions { RateLimit = SandboxRateLimit.None }).ConfigureAwait(false);
        using var client = new Bitrix24Client(Options(portal.WebhookUrl.AbsoluteUri));
        RegisteredCall call = await client.RegisterCallAsync(new RegisterCallRequest
        {
            ExternalCallId = "bench",
            UserId = 2,
            PhoneNumber = "+79161234567",
            Type = CallType.Incoming,
            CallStartDate = DateTimeOffset.Now,
            Show = false,
        }).ConfigureAwait(false);

        await DriveAsync(Math.Min(requests, 2_000), inFlight, () => client.ShowCallAsync(call.CallId, [2, 3])).ConfigureAwait(false);
        var clock = Stopwatch.StartNew();
        await DriveAsync(requests, inFlight, () => client.ShowCallAsync(call.CallId, [2, 3])).ConfigureAwait(false);
        clock.Stop();
        int refused = portal.State.StatusCount(503);
        double rps = requests / clock.Elapsed.TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"end to end: {requests:N0} show requests in {clock.Elapsed.TotalSeconds:F2} s = {rps:F0} req/s ({inFlight} in flight, sandbox in the same process, {refused} refused)"));
        return rps;
    }

    private static async Task<(double Micros, double Bytes)> OverheadAsync<T>(int requests, string answer, Func<Bitrix24Client, Task<T>> call)
    {
        using var handler = new CannedHandler(answer);
        using var client = new Bitrix24Client(Options("https://bench.bitrix24.test/rest/1/benchcode/"), handler: handler);
        for (int i = 0; i < 10_000; i++)
        {
            await call(client).ConfigureAwait(false);
        }

        long allocated = GC.GetTotalAllocatedBytes(precise: true);
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < requests; i++)
        {
            await call(client).ConfigureAwait(false);
        }

        clock.Stop();
        double bytes = (GC.GetTotalAllocatedBytes(precise: true) - allocated) / (double)requests;
        double micros = clock.Elapsed.TotalMicroseconds / requests;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"client overhead ({answer.Length} B answer): {micros:F1} us and {bytes:F0} B allocated per request"));
        return (micros, bytes);
    }

    private static async Task DriveAsync(int requests, int inFlight, Func<Task<bool>> call)
    {
        int next = -1;
        async Task Worker()
        {
            while (Interlocked.Increment(ref next) < requests)
            {
                if (!await call().ConfigureAwait(false))
                {
                    throw new InvalidOperationException("show answered false: the benchmark call is not live");
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, inFlight).Select(_ => Task.Run(Worker))).ConfigureAwait(false);
    }

    private static Bitrix24ClientOptions Options(string webhook) => new()
    {
        WebhookUrl = webhook,
        RateLimit = LeakyBucketOptions.Unlimited,
        Retry = new RetryOptions { MaxRetryAttempts = 0 },
        RequestTimeout = TimeSpan.FromSeconds(30),
    };

    /// <summary>Answers every request with the same Bitrix24 envelope, without a socket.</summary>
    private sealed class CannedHandler(string answer) : HttpMessageHandler
    {
        private readonly byte[] _body = Encoding.UTF8.GetBytes(answer);

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            // The client's body is read as a server would, so its serialisation is part of the cost.
            if (request.Content is not null)
            {
                await request.Content.CopyToAsync(Stream.Null, cancellationToken).ConfigureAwait(false);
            }

            var content = new ByteArrayContent(_body);
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = content, RequestMessage = request };
        }
    }
}
