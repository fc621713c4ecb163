using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;

namespace FsBitrix.Tests.Failover;

/// <summary>
/// One FsBitrix instance in a process of its own (the service binary, <c>fsbitrix.dll run</c>), so that it can be
/// killed as <c>kill -9</c> kills it: no stop, no flush, its sockets closed by the kernel. Its log goes to a file.
/// </summary>
internal sealed class ServiceProcess : IAsyncDisposable
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };
    private readonly Process _process;
    private readonly StreamWriter _log;

    private ServiceProcess(string name, Process process, StreamWriter log, int port, string logFile)
    {
        Name = name;
        LogFile = logFile;
        _process = process;
        _log = log;
        Url = new Uri($"http://127.0.0.1:{port}/");
    }

    public string Name { get; }

    public string LogFile { get; }

    public Uri Url { get; }

    public Uri EventsUrl => new(Url, "bitrix/events");

    public bool Exited => _process.HasExited;

    /// <param name="settings">Configuration keys (<c>FsBitrix:Storage:Provider</c>…) and their values.</param>
    public static ServiceProcess Start(string name, IReadOnlyDictionary<string, string> settings, string logFile)
    {
        int port = FreePort();
        string service = Path.Combine(AppContext.BaseDirectory, "fsbitrix.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in new[] { "exec", service, "run", $"--FsBitrix:Http:Urls=http://127.0.0.1:{port}" })
        {
            start.ArgumentList.Add(arg);
        }

        foreach ((string key, string value) in settings)
        {
            start.ArgumentList.Add($"--{key}={value}");
        }

        var log = new StreamWriter(new FileStream(logFile, FileMode.Append, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };
        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Write(log, name, e.Data);
        process.ErrorDataReceived += (_, e) => Write(log, name, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new ServiceProcess(name, process, log, port, logFile);
    }

    /// <summary>leader, standby or single, from its /healthz; null while it does not answer.</summary>
    public async Task<string?> RoleAsync()
    {
        try
        {
            using HttpResponseMessage response = await Http.GetAsync(new Uri(Url, "healthz"));
            return JsonNode.Parse(await response.Content.ReadAsStringAsync())?["role"]?.GetValue<string>();
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException)
        {
            return null;
        }
    }

    public Task<string> MetricsAsync() => GetAsync("metrics");

    /// <summary>/healthz's HTTP status (what a load balancer acts on).</summary>
    public async Task<System.Net.HttpStatusCode> HealthStatusAsync()
    {
        using HttpResponseMessage response = await Http.GetAsync(new Uri(Url, "healthz"));
        return response.StatusCode;
    }

    public async Task<string> GetAsync(string path) => await Http.GetStringAsync(new Uri(Url, path));

    /// <summary>Waits until /healthz says <paramref name="role"/> (polled: another process cannot be awaited otherwise).</summary>
    public async Task WaitForRoleAsync(string role, TimeSpan patience)
    {
        using var timeout = new CancellationTokenSource(patience);
        while (await RoleAsync() != role)
        {
            if (_process.HasExited)
            {
                Assert.Fail($"instance {Name} exited with code {_process.ExitCode} before it was {role}");
            }

            await Task.Delay(50, timeout.Token);
        }
    }

    /// <summary>As <c>kill -9</c>: the process ends now, whatever it was doing.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            Kill();
        }

        _process.Dispose();
        await _log.DisposeAsync();
    }

    private static void Write(StreamWriter log, string name, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (log)
        {
            log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}| {line}"));
        }
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
