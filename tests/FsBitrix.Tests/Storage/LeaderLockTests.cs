using System.Diagnostics;
using FsBitrix.Storage;
using FsBitrix.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace FsBitrix.Tests.Storage;

/// <summary>
/// The leader lock of several FsBitrix instances on one PostgreSQL (docs/SCALING.md), against a real server: one
/// instance leads; when its lock connection ends as a kill -9 or a lost host ends it (the server drops the backend),
/// the leader is told and another instance leads within its next ask.
/// </summary>
[CancelAfter(60_000)]
public class LeaderLockTests
{
    private static readonly TimeSpan Heartbeat = TimeSpan.FromMilliseconds(200);

    [Test]
    public async Task One_instance_leads_and_another_takes_over_within_seconds_when_the_leaders_connection_dies()
    {
        await using TestPostgres postgres = await TestPostgres.CreateAsync();
        LeaderLock a = Lock(postgres), b = Lock(postgres);

        await using LeaderTerm leading = (await a.TryAcquireAsync())!;
        Assert.That(leading, Is.Not.Null);
        Assert.That(await b.TryAcquireAsync(), Is.Null, "one leader at a time");
        Assert.That(leading.ServerKeepAliveIdle, Is.EqualTo(TimeSpan.FromSeconds(2)),
            "the server probes the leader's silent connection after 2 s (not the OS's two hours): a lost host frees the lock in seconds");

        var lost = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using CancellationTokenRegistration told = leading.Lost.Register(() => lost.TrySetResult());
        Task<LeaderTerm> standby = b.AcquireAsync(CancellationToken.None);
        var clock = Stopwatch.StartNew();
        await using (var admin = new NpgsqlConnection(postgres.ConnectionString))
        {
            await admin.OpenAsync();
            await using var kill = new NpgsqlCommand("SELECT pg_terminate_backend(@pid)", admin);
            kill.Parameters.AddWithValue("pid", leading.Backend);
            Assert.That(await kill.ExecuteScalarAsync(), Is.True);
        }

        await using LeaderTerm takenOver = await standby.WaitAsync(TimeSpan.FromSeconds(10));
        TimeSpan takeover = clock.Elapsed;
        await lost.Task.WaitAsync(TimeSpan.FromSeconds(10));
        TestContext.Out.WriteLine($"takeover after the leader's backend ended: {takeover.TotalMilliseconds:0} ms");
        Assert.That(takeover, Is.LessThan(TimeSpan.FromSeconds(10)));
        Assert.That(takenOver.Backend, Is.Not.EqualTo(leading.Backend));
    }

    [Test]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task A_leader_whose_database_stops_answering_is_told_within_three_heartbeats()
    {
        await using TestPostgres postgres = await TestPostgres.CreateAsync();
        await using LeaderTerm leading = (await Lock(postgres).TryAcquireAsync())!;
        var lost = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using CancellationTokenRegistration told = leading.Lost.Register(() => lost.TrySetResult());

        // The lock's backend frozen (SIGSTOP, as a partition would look from here): its connection stays open, nothing
        // answers, and the check must not wait for TCP to give up.
        Signal("STOP", leading.Backend);
        try
        {
            await lost.Task.WaitAsync(TimeSpan.FromSeconds(10));
        }
        finally
        {
            Signal("CONT", leading.Backend);
        }

        Assert.That(leading.Lost.IsCancellationRequested, Is.True);
    }

    [Test]
    public async Task A_leader_that_gives_up_lets_the_next_lead_at_once()
    {
        await using TestPostgres postgres = await TestPostgres.CreateAsync();
        LeaderLock a = Lock(postgres), b = Lock(postgres);

        LeaderTerm first = (await a.TryAcquireAsync())!;
        await first.DisposeAsync();
        await using LeaderTerm? second = await b.TryAcquireAsync();

        Assert.That(second, Is.Not.Null);
        Assert.That(second!.Lost.IsCancellationRequested, Is.False);
    }

    // The test server runs on this machine (loopback only), so its backends are processes here.
    private static void Signal(string signal, int pid)
    {
        using Process kill = Process.Start("kill", $"-{signal} {pid}");
        kill.WaitForExit();
        Assert.That(kill.ExitCode, Is.Zero, $"kill -{signal} {pid}");
    }

    private static LeaderLock Lock(TestPostgres postgres) =>
        new(postgres.ConnectionString, TimeProvider.System, NullLogger<LeaderLock>.Instance) { Heartbeat = Heartbeat };
}
