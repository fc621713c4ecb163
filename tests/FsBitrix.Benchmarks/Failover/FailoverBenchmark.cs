using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using FsBitrix.Benchmarks.Service;
using FsBitrix.Sandbox;
using FsBitrix.Sandbox.State;
using Npgsql;

namespace FsBitrix.Benchmarks.Failover;

/// <summary>
/// <c>failover [--minutes 5] [--kill-every 30] [--rate 2] [--postgres CONNECTION]</c> (#20's bar): two FsBitrix
/// instances, each a process of the service binary, on one PostgreSQL database of the run's own (the server from
/// <c>--postgres</c> or <c>FSBITRIX_TEST_POSTGRES</c>, as <c>bash .ci/postgres start</c> prints it), following two
/// fake FreeSWITCH nodes; s1's call (ring 1 s, talk 2 s, hang up) starts <c>--rate</c> times a second, alternating
/// nodes; every <c>--kill-every</c> seconds the leading instance is killed (SIGKILL) and started again as a standby.
/// Prints calls started, finished, lost (never finished) and duplicated (a second finish that took effect), and the
/// takeover times (kill → the other instance says it leads on /healthz; → it follows both nodes).
/// </summary>
internal static class FailoverBenchmark
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(2) };

    public static async Task<int> RunAsync(string[] args)
    {
        double minutes = Arg(args, "--minutes", 5.0);
        double killEvery = Arg(args, "--kill-every", 30.0);
        double rate = Arg(args, "--rate", 2.0);
        string? server = Value(args, "--postgres") ?? Environment.GetEnvironmentVariable("FSBITRIX_TEST_POSTGRES");
        if (string.IsNullOrWhiteSpace(server))
        {
            await Console.Error.WriteLineAsync("failover needs a PostgreSQL: --postgres \"$(bash .ci/postgres start)\"").ConfigureAwait(false);
            return 2;
        }

        string capture = Path.Combine("..", "shared", "fixtures", "esl", "scenarios", "s1_inbound_answered.raw");
        BenchTemplate template = BenchTemplate.Load(capture);
        string database = "fsbitrix_failover_" + Guid.NewGuid().ToString("N");
        await ExecuteAsync(server, $"CREATE DATABASE {database}").ConfigureAwait(false);
        string folder = Directory.CreateTempSubdirectory("fsbitrix-failover").FullName;
        try
        {
            string connection = new NpgsqlConnectionStringBuilder(server) { Database = database }.ConnectionString;
            return await RunInAsync(template, connection, folder, TimeSpan.FromMinutes(minutes), TimeSpan.FromSeconds(killEvery), rate).ConfigureAwait(false);
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await ExecuteAsync(server, $"DROP DATABASE IF EXISTS {database} WITH (FORCE)").ConfigureAwait(false);
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task<int> RunInAsync(BenchTemplate template, string connection, string folder, TimeSpan length, TimeSpan killEvery, double rate)
    {
        await using SandboxPortal portal = await SandboxPortal.StartAsync(new SandboxOptions { RateLimit = SandboxRateLimit.None }).ConfigureAwait(false);
        await using var fs1 = new FailoverNode("fs1");
        await using var fs2 = new FailoverNode("fs2");
        var settings = new Dictionary<string, string>
        {
            ["FsBitrix:Storage:Provider"] = "postgres",
            ["FsBitrix:Storage:ConnectionString"] = connection,
            ["FsBitrix:Esl:Nodes:0:Name"] = fs1.Name,
            ["FsBitrix:Esl:Nodes:0:Port"] = fs1.Port.ToString(CultureInfo.InvariantCulture),
            ["FsBitrix:Esl:Nodes:1:Name"] = fs2.Name,
            ["FsBitrix:Esl:Nodes:1:Port"] = fs2.Port.ToString(CultureInfo.InvariantCulture),
            ["FsBitrix:Bitrix:WebhookUrl"] = portal.WebhookUrl.ToString(),
            ["FsBitrix:Bitrix:RateLimitPerSecond"] = "0",
            ["Serilog:MinimumLevel:Default"] = "Warning",
        };
        int generation = 0;
        Instance Start() => Instance.Start($"i{generation++}", settings, folder);

        Instance leader = Start();
        await leader.WaitForRoleAsync("leader", TimeSpan.FromSeconds(60)).ConfigureAwait(false);
        Instance standby = Start();
        await standby.WaitForRoleAsync("standby", TimeSpan.FromSeconds(60)).ConfigureAwait(false);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"failover: 2 instances, 2 nodes, calls at {rate}/s for {length.TotalMinutes} min, the leader killed every {killEvery.TotalSeconds} s; {Environment.ProcessorCount} cores"));

        var clock = Stopwatch.StartNew();
        var calls = new List<Task>();
        var toLead = new List<double>();
        var toFollow = new List<double>();
        TimeSpan nextKill = killEvery;
        int started = 0;
        while (clock.Elapsed < length)
        {
            if (clock.Elapsed >= nextKill)
            {
                nextKill += killEvery;
                var takeover = Stopwatch.StartNew();
                leader.Kill();
                await standby.WaitForRoleAsync("leader", TimeSpan.FromSeconds(60)).ConfigureAwait(false);
                toLead.Add(takeover.Elapsed.TotalMilliseconds);
                await standby.WaitFollowingAsync(2, TimeSpan.FromSeconds(60)).ConfigureAwait(false);
                toFollow.Add(takeover.Elapsed.TotalMilliseconds);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  {clock.Elapsed.TotalSeconds,5:F0} s: {leader.Name} killed; {standby.Name} leads after {toLead[^1]:F0} ms, follows both nodes after {toFollow[^1]:F0} ms"));
                (leader, standby) = (standby, Start());
            }

            TimeSpan due = TimeSpan.FromSeconds(started / rate);
            if (due > clock.Elapsed)
            {
                await Task.Delay(due - clock.Elapsed).ConfigureAwait(false);
                continue;
            }

            calls.Add(CallAsync(template, started % 2 == 0 ? fs1 : fs2));
            started++;
        }

        await Task.WhenAll(calls).ConfigureAwait(false);
        var settle = Stopwatch.StartNew();
        while (settle.Elapsed < TimeSpan.FromSeconds(60)
            && (portal.State.FinishedCalls.Select(f => f.CallId).Distinct().Count() < started || portal.State.LiveCalls.Count > 0))
        {
            await Task.Delay(100).ConfigureAwait(false);
        }

        IReadOnlyList<SandboxFinishedCall> finished = portal.State.FinishedCalls;
        int distinct = finished.Select(f => f.CallId).Distinct().Count();
        int tookEffect = portal.State.Requests.Count(r => r.Method == "telephony.externalcall.finish" && r.Status == 200);
        int reasked = portal.State.Requests.Count(r => r.Method == "telephony.externalcall.finish" && r.Status != 200);
        int lost = started - distinct;
        int duplicated = tookEffect - distinct;
        await leader.DisposeAsync().ConfigureAwait(false);
        await standby.DisposeAsync().ConfigureAwait(false);

        Console.WriteLine($"  finish requests refused as already finished (re-asked after a takeover): {reasked}; calls left open in the CRM: {portal.State.LiveCalls.Count}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"failover: {started} calls, {distinct} finished, {lost} lost, {duplicated} duplicated finishes; {toLead.Count} kills; "
            + $"takeover to lead p50 {Percentile(toLead, 0.5):F0} ms max {(toLead.Count == 0 ? 0 : toLead.Max()):F0} ms; "
            + $"to follow both nodes p50 {Percentile(toFollow, 0.5):F0} ms max {(toFollow.Count == 0 ? 0 : toFollow.Max()):F0} ms"));
        return lost == 0 && duplicated == 0 && portal.State.LiveCalls.Count == 0 && (toFollow.Count == 0 || toFollow.Max() < 10_000) ? 0 : 1;
    }

    // s1 as a person makes it: ringing a second, talking two, then the hang-up.
    private static async Task CallAsync(BenchTemplate template, FailoverNode node)
    {
        BenchCall call = template.NewCall();
        var buffer = new ArrayBufferWriter<byte>();
        int answered = template.IndexOf("CHANNEL_ANSWER");
        int talking = template.IndexOf("CHANNEL_BRIDGE") + 1;
        await SendAsync(node, call.Render(0, answered, buffer)).ConfigureAwait(false);
        await Task.Delay(1000).ConfigureAwait(false);
        await SendAsync(node, call.Render(answered, talking - answered, buffer)).ConfigureAwait(false);
        await Task.Delay(2000).ConfigureAwait(false);
        await SendAsync(node, call.Render(talking, template.Count - talking, buffer)).ConfigureAwait(false);
    }

    private static async Task SendAsync(FailoverNode node, RenderedFrames frames)
    {
        foreach (ReadOnlyMemory<byte> frame in frames.Frames)
        {
            await node.SendAsync(frame.ToArray()).ConfigureAwait(false);
        }
    }

    private static double Percentile(List<double> values, double p)
    {
        if (values.Count == 0)
        {
            return 0;
        }

        double[] sorted = [.. values.Order()];
        return sorted[Math.Min(sorted.Length - 1, (int)Math.Floor(p * sorted.Length))];
    }

    private static async Task ExecuteAsync(string server, string sql)
    {
        await using var db = new NpgsqlConnection(server);
        await db.OpenAsync().ConfigureAwait(false);
        await using var command = new NpgsqlCommand(sql, db);
        await command.ExecuteNonQueryAsync().ConfigureAwait(false);
    }

    private static string? Value(string[] args, string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;

    private static double Arg(string[] args, string name, double fallback) =>
        Value(args, name) is { } text ? double.Parse(text, CultureInfo.InvariantCulture) : fallback;

    /// <summary>One instance: the service binary beside this program, killed with SIGKILL.</summary>
    private sealed class Instance : IAsyncDisposable
    {
        private readonly Process _process;

        private Instance(string name, Process process, Uri url)
        {
            Name = name;
            _process = process;
            Url = url;
        }

        public string Name { get; }

        public Uri Url { get; }

        public static Instance Start(string name, Dictionary<string, string> settings, string folder)
        {
            using var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            int port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (string arg in new[] { "exec", Path.Combine(AppContext.BaseDirectory, "fsbitrix.dll"), "run", $"--FsBitrix:Http:Urls=http://127.0.0.1:{port}" })
            {
                start.ArgumentList.Add(arg);
            }

            foreach ((string key, string value) in settings)
            {
                start.ArgumentList.Add($"--{key}={value}");
            }

            var process = new Process { StartInfo = start };
            var log = new StreamWriter(Path.Combine(folder, name + ".log")) { AutoFlush = true };
            process.OutputDataReceived += (_, e) => { lock (log) { log.WriteLine(e.Data); } };
            process.ErrorDataReceived += (_, e) => { lock (log) { log.WriteLine(e.Data); } };
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            return new Instance(name, process, new Uri($"http://127.0.0.1:{port}/"));
        }

        public async Task<JsonNode?> HealthAsync()
        {
            try
            {
                using HttpResponseMessage response = await Http.GetAsync(new Uri(Url, "healthz")).ConfigureAwait(false);
                return JsonNode.Parse(await response.Content.ReadAsStringAsync().ConfigureAwait(false));
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException)
            {
                return null;
            }
        }

        public Task WaitForRoleAsync(string role, TimeSpan patience) =>
            WaitAsync(h => h?["role"]?.GetValue<string>() == role, patience, $"{Name} to be {role}");

        /// <summary>Leading and logged in to every node (/healthz: all nodes connected).</summary>
        public Task WaitFollowingAsync(int nodes, TimeSpan patience) =>
            WaitAsync(h => h?["nodes"]?.AsArray().Count(n => n?["connected"]?.GetValue<bool>() == true) == nodes, patience, $"{Name} to follow the nodes");

        public void Kill()
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        public ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                Kill();
            }

            _process.Dispose();
            return ValueTask.CompletedTask;
        }

        private async Task WaitAsync(Func<JsonNode?, bool> condition, TimeSpan patience, string what)
        {
            var waited = Stopwatch.StartNew();
            while (!condition(await HealthAsync().ConfigureAwait(false)))
            {
                if (waited.Elapsed > patience || _process.HasExited)
                {
                    throw new TimeoutException($"waited {waited.Elapsed.TotalSeconds:F0} s for {what}");
                }

                await Task.Delay(20).ConfigureAwait(false);
            }
        }
    }
}
