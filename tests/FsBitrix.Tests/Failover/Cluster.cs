using FsBitrix.Outbox;
using FsBitrix.Sandbox;
using FsBitrix.Storage;
using FsBitrix.Tests.Support;
using Npgsql;

namespace FsBitrix.Tests.Failover;

/// <summary>
/// docs/SCALING.md's picture on one machine: two fake FreeSWITCH nodes (fs1, fs2, recordings on one folder as a shared
/// mount has them), the sandbox portal, a PostgreSQL database of this test's own, and FsBitrix instances in processes of
/// their own, all on loopback. The instances' logs are kept (<see cref="Logs"/>, printed when a test fails).
/// </summary>
internal sealed class Cluster : IAsyncDisposable
{
    private readonly List<ServiceProcess> _instances = [];
    private readonly TestPostgres _postgres;
    private readonly NpgsqlDataSource _dataSource;

    private Cluster(TestPostgres postgres, NpgsqlDataSource dataSource, SandboxPortal portal, CaptureFreeSwitch fs1, CaptureFreeSwitch fs2, string folder)
    {
        _postgres = postgres;
        _dataSource = dataSource;
        Portal = portal;
        Fs1 = fs1;
        Fs2 = fs2;
        Folder = folder;
        Outbox = new PostgresOutboxStore(dataSource, TimeProvider.System);
    }

    public SandboxPortal Portal { get; }

    public CaptureFreeSwitch Fs1 { get; }

    public CaptureFreeSwitch Fs2 { get; }

    public string Folder { get; }

    /// <summary>Every instance's log, one after the other.</summary>
    public string Logs() => string.Join("\n", _instances.Select(i => i.LogFile).Distinct().Where(File.Exists).Select(f =>
    {
        using var shared = new FileStream(f, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(shared);
        return reader.ReadToEnd();
    }));

    /// <summary>The shared outbox, read as any instance reads it.</summary>
    public IOutboxStore Outbox { get; }

    /// <summary>The calls' states in the shared database (the outbox's own store).</summary>
    public ICallStates CallStates => (ICallStates)Outbox;

    public string ConnectionString => _postgres.ConnectionString;

    public static async Task<Cluster> StartAsync()
    {
        TestPostgres postgres = await TestPostgres.CreateAsync();
        string folder = Path.Combine(Path.GetTempPath(), "fsbitrix-tests", "cluster-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(folder, "rec"));
        SandboxPortal portal = await SandboxPortal.StartAsync(new SandboxOptions { RateLimit = SandboxRateLimit.None });
        return new Cluster(postgres, await PostgresDatabase.OpenAsync(postgres.ConnectionString), portal,
            new CaptureFreeSwitch(Path.Combine(folder, "rec")), new CaptureFreeSwitch(Path.Combine(folder, "rec")), folder);
    }

    /// <summary>Starts an instance (a standby unless none leads); <paramref name="also"/>: settings of its own.</summary>
    public ServiceProcess Start(string name, IReadOnlyDictionary<string, string>? also = null)
    {
        var settings = new Dictionary<string, string>
        {
            ["FsBitrix:Storage:Provider"] = "postgres",
            ["FsBitrix:Storage:ConnectionString"] = _postgres.ConnectionString,
            ["FsBitrix:Esl:Nodes:0:Name"] = "fs1",
            ["FsBitrix:Esl:Nodes:0:Host"] = "127.0.0.1",
            ["FsBitrix:Esl:Nodes:0:Port"] = Fs1.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["FsBitrix:Esl:Nodes:1:Name"] = "fs2",
            ["FsBitrix:Esl:Nodes:1:Host"] = "127.0.0.1",
            ["FsBitrix:Esl:Nodes:1:Port"] = Fs2.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["FsBitrix:Bitrix:WebhookUrl"] = Portal.WebhookUrl.ToString(),
            ["FsBitrix:Bitrix:RateLimitPerSecond"] = "0",
            ["FsBitrix:Bitrix:ApplicationToken"] = Portal.Options.ApplicationToken,
            ["FsBitrix:Recordings:MaxWait"] = "00:00:05",
            ["Serilog:MinimumLevel:Default"] = "Information",
        };
        foreach ((string key, string value) in also ?? new Dictionary<string, string>())
        {
            settings[key] = value;
        }

        ServiceProcess instance = ServiceProcess.Start(name, settings, Path.Combine(Folder, name + ".log"));
        _instances.Add(instance);
        return instance;
    }

    /// <summary>A capture's events under fresh UUIDs, its recordings written where the nodes put them.</summary>
    public async Task<Replay> PrepareAsync(string capture)
    {
        (List<byte[]> frames, Dictionary<string, string> uuids) = CaptureFreeSwitch.Prepare(Fixtures.Bytes("scenarios/" + capture), Fs1.RecordingsFolder);
        foreach ((string _, string fresh) in uuids)
        {
            await File.WriteAllBytesAsync(Path.Combine(Fs1.RecordingsFolder, fresh + ".wav"), Wav.Silence(TimeSpan.FromMilliseconds(200)));
        }

        return new Replay(frames, uuids);
    }

    /// <summary>Waits until no command waits in the shared outbox (polled: the instances are other processes).</summary>
    public async Task DeliveredAsync(TimeSpan patience)
    {
        using var timeout = new CancellationTokenSource(patience);
        while (await Outbox.PendingCountAsync(timeout.Token) > 0)
        {
            await Task.Delay(50, timeout.Token);
        }
    }

    /// <summary>Ends every connection FsBitrix has to PostgreSQL, as a restart of the database does to its clients.</summary>
    public async Task DropDatabaseConnectionsAsync()
    {
        await using NpgsqlCommand terminate = _dataSource.CreateCommand(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()");
        await terminate.ExecuteNonQueryAsync();
        _dataSource.Clear();
    }

    /// <summary>
    /// Restarts the PostgreSQL server itself (<c>FSBITRIX_TEST_POSTGRES_RESTART</c>, which .ci/run sets to
    /// <c>bash .ci/postgres restart</c>): without it the test fails when PostgreSQL is required, else it is ignored.
    /// </summary>
    public async Task RestartDatabaseAsync()
    {
        string? restart = Environment.GetEnvironmentVariable("FSBITRIX_TEST_POSTGRES_RESTART");
        if (string.IsNullOrWhiteSpace(restart))
        {
            const string how = "restarting PostgreSQL needs FSBITRIX_TEST_POSTGRES_RESTART (e.g. \"bash $PWD/.ci/postgres restart\" for the cluster of .ci/postgres)";
            if (Environment.GetEnvironmentVariable("FSBITRIX_REQUIRE_POSTGRES") is { Length: > 0 })
            {
                Assert.Fail(how);
            }

            Assert.Ignore(how);
        }

        var start = new System.Diagnostics.ProcessStartInfo("/bin/sh") { RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(restart);
        using var process = System.Diagnostics.Process.Start(start)!;
        string error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.That(process.ExitCode, Is.Zero, $"{restart}: {error}");

        // This test's own pooled connections died with the server too.
        _dataSource.Clear();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (ServiceProcess instance in _instances)
        {
            await instance.DisposeAsync();
        }

        await Fs1.DisposeAsync();
        await Fs2.DisposeAsync();
        await Portal.DisposeAsync();
        await _dataSource.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        await _postgres.DisposeAsync();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // A log still open on a slow exit; the temp folder is cleaned by the OS.
        }
    }
}
