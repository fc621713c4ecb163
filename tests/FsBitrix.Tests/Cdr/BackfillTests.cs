using FsBitrix.Cdr;
using FsBitrix.Sandbox.State;
using FsBitrix.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace FsBitrix.Tests.Cdr;

/// <summary>
/// Calls older than <c>Cdr:Horizon</c> reach Bitrix24 only when asked (<c>fsbitrix backfill</c>), once; imports from
/// CDRs go oldest first and wait while the outbox is backed up, so live calls are never queued behind them.
/// </summary>
[CancelAfter(60_000)]
public class BackfillTests
{
    private const string S1Caller = "e3c8c474-2579-46e0-adf3-6247171195b9";
    private const string S4Caller = "3c29fa03-4dce-4d26-a47c-20eacd625e52";
    private static readonly DateTimeOffset S1Began = DateTimeOffset.FromUnixTimeMilliseconds(1796660628354);

    [Test]
    public async Task An_old_period_is_sent_once_when_asked_and_a_second_backfill_changes_nothing()
    {
        string folder = CopyLegs("s1_inbound_answered");
        await using ServiceHarness h = await ServiceHarness.StartAsync(o => Configure(o, folder, horizon: TimeSpan.FromSeconds(1)));
        await LookedAsync(h, looks: 2);
        Assert.That(h.Service!.Services.GetRequiredService<ICdrInbox>().Knows(S1Caller), Is.False, "beyond the horizon: not imported unasked");

        using var first = new StringWriter();
        int code = BackfillCommand.Run(Arguments(h, folder, S1Began.AddMinutes(-1), S1Began.AddMinutes(1)), TimeProvider.System, first);

        Assert.That(code, Is.Zero, first.ToString());
        Assert.That(first.ToString(), Does.Contain("1 call(s) began").And.Contain("2 leg(s) handed"));
        await h.Portal.WaitForAsync(s => s.FinishedCalls.Count == 1, ServiceHarness.Patience);
        SandboxFinishedCall call = h.Portal.State.FinishedCalls.Single();
        Assert.That((call.UserId, call.StatusCode, call.Duration), Is.EqualTo((2, "200", 4)), "1001 answered, 4 s of talk");

        using var again = new StringWriter();
        Assert.That(BackfillCommand.Run(Arguments(h, folder, S1Began.AddMinutes(-1), S1Began.AddMinutes(1)), TimeProvider.System, again), Is.Zero);
        Assert.That(again.ToString(), Does.Contain("0 leg(s) handed").And.Contain("2 received before"));
        await LookedAsync(h, looks: 2);
        await h.SettledAsync();
        Assert.That(h.Portal.State.RequestCount("telephony.externalcall.register"), Is.EqualTo(1));
        Assert.That(h.Portal.State.RequestCount("telephony.externalcall.finish"), Is.EqualTo(1));
    }

    [Test]
    public async Task Only_calls_that_began_in_the_period_are_handed_over()
    {
        string folder = CopyLegs("s1_inbound_answered", "s4_missed");
        await using ServiceHarness h = await ServiceHarness.StartAsync(o => Configure(o, folder, horizon: TimeSpan.FromSeconds(1)));

        using var output = new StringWriter();
        int code = BackfillCommand.Run(Arguments(h, folder, S1Began.AddSeconds(-1), S1Began.AddSeconds(1)), TimeProvider.System, output);

        Assert.That(code, Is.Zero, output.ToString());
        ICdrInbox inbox = h.Service!.Services.GetRequiredService<ICdrInbox>();
        Assert.That((inbox.Knows(S1Caller), inbox.Knows(S4Caller)), Is.EqualTo((true, false)), "s4 began 41 s after s1: outside the period");
    }

    [Test]
    public void A_period_the_service_no_longer_remembers_is_refused_unless_the_portal_is_new()
    {
        string folder = CopyLegs("s1_inbound_answered");
        string database = Path.Combine(folder, "fsbitrix.db");
        File.WriteAllBytes(database, []);
        var later = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(S1Began.AddDays(30));
        string[] args = ["--since", S1Began.AddDays(-1).ToString("o"), $"--FsBitrix:Cdr:Folder={folder}", $"--FsBitrix:Storage:Path={database}"];

        using var refused = new StringWriter();
        int code = BackfillCommand.Run(args, later, refused);

        Assert.That(code, Is.EqualTo(2));
        Assert.That(refused.ToString(), Does.Contain("--new-portal"));
        Assert.That(new FileInfo(database).Length, Is.Zero, "nothing was written");

        using var asked = new StringWriter();
        Assert.That(BackfillCommand.Run([.. args, "--new-portal"], later, asked), Is.Zero, asked.ToString());
        Assert.That(asked.ToString(), Does.Contain("1 call(s) began"));
    }

    [Test]
    public void A_missing_since_or_an_unreadable_time_is_a_usage_error()
    {
        using var output = new StringWriter();
        Assert.That(BackfillCommand.Run([], TimeProvider.System, output), Is.EqualTo(2));
        Assert.That(BackfillCommand.Run(["--since", "yesterday-ish"], TimeProvider.System, output), Is.EqualTo(2));
        Assert.That(output.ToString(), Does.Contain("--since is required").And.Contain("needs a time"));
    }

    [Test]
    public async Task Imports_go_oldest_first_and_wait_while_the_outbox_is_backed_up()
    {
        string folder = CopyLegs("s4_missed", "s1_inbound_answered");
        await using ServiceHarness h = await ServiceHarness.StartAsync(o =>
        {
            Configure(o, folder, horizon: TimeSpan.FromDays(3650));
            o.Cdr.ImportWhilePendingBelow = 1;
        }, startService: false);
        h.Portal.Faults.StartOutage();
        await h.StartServiceAsync();
        ICdrInbox inbox = h.Service!.Services.GetRequiredService<ICdrInbox>();

        // s1 (older) goes first; while its commands cannot be delivered, s4 waits in the inbox.
        await LookedUntilAsync(h, () => inbox.Outcome(S1Caller) == "imported");
        await LookedAsync(h, looks: 3);
        Assert.That(inbox.Outcome(S4Caller), Is.Null, "not put behind a backed-up outbox");

        h.Portal.Faults.Clear();
        await h.Portal.WaitForAsync(s => s.FinishedCalls.Count == 2, ServiceHarness.Patience);
        Assert.That(h.Portal.State.FinishedCalls.Select(c => c.StatusCode), Is.EqualTo(new[] { "200", "304" }), "s1 (answered) before s4 (missed)");
    }

    private static void Configure(Configuration.FsBitrixOptions o, string folder, TimeSpan horizon)
    {
        o.Cdr.Folder = folder;
        o.Cdr.GroupWait = TimeSpan.FromMilliseconds(200);
        o.Cdr.ScanInterval = TimeSpan.FromMilliseconds(100);
        o.Cdr.Horizon = horizon;
        o.Storage.KeepDeliveredFor = TimeSpan.FromDays(3650);
    }

    private static string[] Arguments(ServiceHarness h, string folder, DateTimeOffset since, DateTimeOffset until) =>
    [
        "--since", since.ToString("o"), "--until", until.ToString("o"),
        $"--FsBitrix:Cdr:Folder={folder}", $"--FsBitrix:Storage:Path={h.DatabasePath}",
        "--FsBitrix:Storage:KeepDeliveredFor=3650.00:00:00",
    ];

    // Written by mod_xml_cdr as the legs ended, after both calls.
    private static string CopyLegs(params string[] scenarios) => CdrFixtures.CopyLegs("log", S1Began.AddMinutes(2).UtcDateTime, scenarios);

    private static Task LookedAsync(ServiceHarness h, int looks) => CdrFixtures.LookedUntilAsync(h, () => true, looks);

    private static Task LookedUntilAsync(ServiceHarness h, Func<bool> condition) => CdrFixtures.LookedUntilAsync(h, condition);
}
