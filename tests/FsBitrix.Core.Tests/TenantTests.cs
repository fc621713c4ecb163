using FsBitrix.Core.Calls;
using FsBitrix.Core.Events;
using FsBitrix.Core.Tests.Support;

namespace FsBitrix.Core.Tests;

/// <summary>
/// Several companies on one switch (<see cref="CallSettings.HoldUntilDomain"/>): a call's company is the FreeSWITCH
/// domain its events name, learnt before its first command goes and never changed after.
/// </summary>
public sealed class TenantTests
{
    private const string S25 = "s25_second_tenant.raw";
    private const string S25Customer = "f43b4f43-3701-4912-9ca1-2f17ff1a2465";
    private static readonly CallSettings Tenants = CallSettings.Default with
    {
        HoldUntilDomain = true,
        TenantDomains = new HashSet<string>(["b.example"], StringComparer.Ordinal),
    };

    private static IEnumerable<string> EveryCapture() => ScenarioFiles.All.Concat(ScenarioFiles.RealDeployments);

    [TestCaseSource(nameof(EveryCapture))]
    public void Holding_the_first_commands_for_the_domain_changes_no_command_of_any_capture(string file)
    {
        Assert.That(Switchboard.Run(Captures.Events(file), Tenants).Commands, Is.EqualTo(Switchboard.Run(Captures.Events(file)).Commands));
    }

    [Test]
    public void A_second_companys_call_is_registered_only_once_its_did_has_set_the_domain()
    {
        IReadOnlyList<ChannelEvent> events = Captures.Events(S25);
        var board = new Switchboard(Tenants);

        board.Feed(events[0]);
        Assert.That(board.Commands, Is.Empty, "the caller's leg is created before the DID sets domain_name");
        int revealing = events.ToList().FindIndex(e => e.UniqueId == S25Customer && e.DomainName is not null);
        board.FeedAll(events.Skip(1).Take(revealing));

        Assert.Multiple(() =>
        {
            Assert.That(board.Commands.Single(), Is.InstanceOf<RegisterCall>());
            Assert.That(board.Calls.Single().Domain, Is.EqualTo("b.example"));
        });
    }

    [Test]
    public void The_domain_of_the_employee_rung_names_the_company_when_the_caller_does_not()
    {
        // s25 with the caller's domain_name removed: the phone's leg still says b.example (dialed_domain).
        IEnumerable<ChannelEvent> events = Captures.Events(S25).Select(e => e.UniqueId == S25Customer ? e with { DomainName = null } : e);

        Switchboard board = Switchboard.Run(events, Tenants);

        Assert.That(board.Calls.Single().Domain, Is.EqualTo("b.example"));
        Assert.That(board.Commands[0], Is.InstanceOf<RegisterCall>());
    }

    [Test]
    public void The_company_is_fixed_once_the_first_commands_went()
    {
        // s1 names no domain: its register goes before the first card; a domain seen later changes nothing.
        IEnumerable<ChannelEvent> events = Captures.Events("s1_inbound_answered.raw")
            .Select(e => e.Kind == ChannelEventKind.HangupComplete ? e with { DomainName = "b.example" } : e);

        Assert.That(Switchboard.Run(events, Tenants).Calls.Single().Domain, Is.Null);
    }

    [Test]
    public void An_employee_of_another_company_rung_on_the_call_never_sees_its_card()
    {
        const string phone = "5b13f3be-4dcc-47ca-8031-bfd0db3878c1";
        const string stranger = "00000000-0000-0000-0000-00000000a002";
        IEnumerable<ChannelEvent> events = Sequences.Replace(
            Sequences.DuplicateLeg(Captures.Events(S25), phone, stranger, "1002"),
            e => e.UniqueId == stranger && e.Kind == ChannelEventKind.Create,
            e => e with { DialedDomain = "lab.example", PresenceId = "1002@lab.example" });

        List<CallCommand> commands = Switchboard.Run(events, Tenants).Commands;

        Assert.That(commands.OfType<ShowCard>().Select(c => c.UserPhoneInner), Is.EqualTo(new[] { "1001" }));
        Assert.That(commands.OfType<FinishCall>().Single().UserPhoneInner, Is.EqualTo("1001"));
    }

    [Test]
    public void Two_domains_of_the_default_company_are_one_company()
    {
        // s25 as if b.example had no portal of its own: lab.example's 1002 rung on it is a colleague, not a stranger.
        const string phone = "5b13f3be-4dcc-47ca-8031-bfd0db3878c1";
        const string colleague = "00000000-0000-0000-0000-00000000a002";
        IEnumerable<ChannelEvent> events = Sequences.Replace(
            Sequences.DuplicateLeg(Captures.Events(S25), phone, colleague, "1002"),
            e => e.UniqueId == colleague && e.Kind == ChannelEventKind.Create,
            e => e with { DialedDomain = "lab.example", PresenceId = "1002@lab.example" });

        List<CallCommand> commands = Switchboard.Run(events, CallSettings.Default with { HoldUntilDomain = true, TenantDomains = new HashSet<string>(["c.example"]) }).Commands;

        Assert.That(commands.OfType<ShowCard>().Select(c => c.UserPhoneInner), Is.EqualTo(new[] { "1001", "1002" }));
    }

    [Test]
    public void A_call_that_ends_unseen_before_naming_its_domain_is_still_registered_and_finished()
    {
        var board = new Switchboard(Tenants);
        board.Feed(Captures.Events(S25)[0]);

        board.Reconcile(new HashSet<string>(), DateTimeOffset.UnixEpoch);

        Assert.That(board.Commands.Select(c => c.GetType()), Is.EqualTo(new[] { typeof(RegisterCall), typeof(FinishCall) }));
    }

    [Test]
    public void An_outbound_call_shows_the_callers_card_as_soon_as_the_client_is_dialled()
    {
        IReadOnlyList<ChannelEvent> events = Captures.Events("s7_outbound.raw");
        var board = new Switchboard(Tenants);
        int second = events.ToList().FindIndex(e => e.UniqueId != events[0].UniqueId && e.Kind == ChannelEventKind.Create);

        board.FeedAll(events.Take(second + 1));

        Assert.That(board.Commands.Select(c => c.GetType()), Is.EqualTo(new[] { typeof(RegisterCall), typeof(ShowCard) }));
    }

    [Test]
    public void A_restart_while_the_first_commands_wait_gives_the_same_commands()
    {
        IReadOnlyList<ChannelEvent> events = Captures.Events(S25);
        List<CallCommand> whole = Switchboard.Run(events, Tenants).Commands;
        for (int i = 1; i < events.Count; i++)
        {
            Switchboard before = Switchboard.Run(events.Take(i), Tenants);
            Switchboard after = Switchboard.Restore(
                before.LiveCalls.Select(c => Persistence.CallStateJson.Deserialize(Persistence.CallStateJson.Serialize(c))), Tenants);
            after.FeedAll(events.Skip(i));
            Assert.That(before.Commands.Concat(after.Commands), Is.EqualTo(whole), $"restarted after event {i}");
        }
    }
}
