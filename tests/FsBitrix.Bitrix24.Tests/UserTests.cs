using FsBitrix.Bitrix24.Retry;
using FsBitrix.Bitrix24.Tests.Support;
using FsBitrix.Bitrix24.Users;
using FsBitrix.Sandbox;
using FsBitrix.Sandbox.Seed;
using FsBitrix.Sandbox.State;

namespace FsBitrix.Bitrix24.Tests;

/// <summary>user.get with full pagination, and the extension directory built on it.</summary>
public sealed class UserTests
{
    private const int ExtraUsers = 120;
    private SandboxPortal _portal = null!;
    private Bitrix24Client _client = null!;

    [SetUp]
    public async Task StartAsync()
    {
        SandboxSeed seed = SandboxSeed.Default();
        seed = seed with
        {
            Users = [.. seed.Users, .. Enumerable.Range(0, ExtraUsers).Select(i => new SeedUser { Id = 100 + i, Name = $"Agent{i}", UfPhoneInner = (2000 + i).ToString(System.Globalization.CultureInfo.InvariantCulture) })],
        };
        _portal = await Portal.StartAsync(o => o.Seed = seed);
        _client = Portal.Client(_portal, o => o.Retry = new RetryOptions { MaxRetryAttempts = 0 });
    }

    [TearDown]
    public async Task StopAsync()
    {
        _client.Dispose();
        await _portal.DisposeAsync();
    }

    [Test]
    public async Task GetUsers_follows_next_through_every_page_of_50()
    {
        IReadOnlyList<Bitrix24User> users = await _client.GetUsersAsync(UserFilter.ActiveEmployees);

        Assert.That(users, Has.Count.EqualTo(4 + ExtraUsers), "the dismissed user is filtered out");
        Assert.That(users.Select(u => u.Id), Is.Unique);
        Assert.That(_portal.State.RequestCount("user.get"), Is.EqualTo(3));
    }

    [Test]
    public async Task A_page_reports_total_and_next()
    {
        UserPage page = await _client.GetUsersPageAsync(UserFilter.ActiveEmployees, start: 50);

        Assert.That(page.Users, Has.Count.EqualTo(50));
        Assert.That(page.Total, Is.EqualTo(4 + ExtraUsers));
        Assert.That(page.Next, Is.EqualTo(100));
    }

    [Test]
    public async Task Filter_by_extension_finds_the_user()
    {
        IReadOnlyList<Bitrix24User> users = await _client.GetUsersAsync(new UserFilter { UfPhoneInner = "1002", Active = true });

        Bitrix24User boris = users.Single();
        Assert.That(boris.Id, Is.EqualTo(3));
        Assert.That(boris.FullName, Is.EqualTo("Boris Ivanov"));
        Assert.That(boris.UfPhoneInner, Is.EqualTo("1002"));
    }

    [Test]
    public async Task Directory_maps_extensions_both_ways_with_the_static_map_winning()
    {
        var options = new UserDirectoryOptions();
        options.StaticMap["1001"] = 4;
        options.StaticMap["5555"] = 3;
        var directory = new Bitrix24UserDirectory(_client, options);

        Assert.That(await directory.RefreshAsync(), Is.True);

        Assert.That(directory.TryGetUserId("1002", out int boris) ? boris : 0, Is.EqualTo(3));
        Assert.That(directory.TryGetUserId("2119", out int last) ? last : 0, Is.EqualTo(219), "users from the last page are known too");
        Assert.That(directory.TryGetUserId("1001", out int overridden) ? overridden : 0, Is.EqualTo(4));
        Assert.That(directory.TryGetUserId("1004", out _), Is.False, "dismissed users do not ring");
        Assert.That(directory.TryGetExtension(3, out string ext) ? ext : null, Is.EqualTo("5555"));
        Assert.That(directory.TryGetExtension(219, out string ext219) ? ext219 : null, Is.EqualTo("2119"));
        Assert.That(directory.TryGetExtension(999, out _), Is.False);
    }

    [Test]
    public async Task A_failed_snapshot_keeps_the_known_map()
    {
        var directory = new Bitrix24UserDirectory(_client, new UserDirectoryOptions());
        await directory.RefreshAsync();
        DateTimeOffset? taken = directory.SnapshotTakenAt;
        _portal.Faults.StartOutage();

        Assert.That(await directory.RefreshAsync(), Is.False);

        Assert.That(directory.TryGetUserId("1001", out int anna) ? anna : 0, Is.EqualTo(2));
        Assert.That(directory.SnapshotTakenAt, Is.EqualTo(taken));
    }

    [Test]
    public async Task An_empty_snapshot_keeps_the_known_map()
    {
        var directory = new Bitrix24UserDirectory(_client, new UserDirectoryOptions());
        await directory.RefreshAsync();
        foreach (SandboxUser user in _portal.State.Users)
        {
            _portal.State.AddUser(user with { UfPhoneInner = null });
        }

        Assert.That(await directory.RefreshAsync(), Is.False);

        Assert.That(directory.TryGetUserId("1003", out int vera) ? vera : 0, Is.EqualTo(4));
    }

    [Test]
    public async Task A_new_snapshot_replaces_changed_extensions()
    {
        var directory = new Bitrix24UserDirectory(_client, new UserDirectoryOptions());
        await directory.RefreshAsync();
        SandboxUser anna = _portal.State.Users.Single(u => u.Id == 2);
        _portal.State.AddUser(anna with { UfPhoneInner = "1009" });

        Assert.That(await directory.RefreshAsync(), Is.True);

        Assert.That(directory.TryGetUserId("1001", out _), Is.False);
        Assert.That(directory.TryGetUserId("1009", out int moved) ? moved : 0, Is.EqualTo(2));
    }

    [Test]
    public async Task RunAsync_refreshes_on_its_interval()
    {
        var time = new SignallingTimeProvider();
        var directory = new Bitrix24UserDirectory(_client, new UserDirectoryOptions { RefreshInterval = TimeSpan.FromMinutes(5) }, timeProvider: time);
        using var cts = new CancellationTokenSource();
        int timers = time.TimersCreated;
        Task run = directory.RunAsync(cts.Token);
        await _portal.WaitForAsync(s => s.RequestCount("user.get") == 3, Signal.Timeout);
        await time.WaitForTimersAsync(timers + 1);

        time.Advance(TimeSpan.FromMinutes(5));
        await _portal.WaitForAsync(s => s.RequestCount("user.get") == 6, Signal.Timeout);

        await cts.CancelAsync();
        await run.WaitAsync(Signal.Timeout);
        Assert.That(directory.TryGetUserId("1001", out _), Is.True);
    }
}
