using FsBitrix.Esl.Events;
using FsBitrix.Simulator.Flows;
using FsBitrix.Simulator.Tests.Support;

namespace FsBitrix.Simulator.Tests;

/// <summary>
/// The simulated s1 against the real s1, event kind by event kind and leg by leg: the real events may carry more
/// (SDP, RTP and SIP details), but every header the call logic reads must be there, and nothing may be invented.
/// </summary>
[CancelAfter(20_000)]
public sealed class RealismTests
{
    /// <summary>What ChannelEventFactory and the router read.</summary>
    private static readonly string[] ReadByTheService =
    [
        "Event-Name", "Unique-ID", "Event-Date-Timestamp", "variable_originator", "Other-Leg-Unique-ID", "Channel-Call-UUID",
        "variable_origination_uuid", "Call-Direction", "Caller-Caller-ID-Number", "Caller-Orig-Caller-ID-Number",
        "Caller-Destination-Number", "Caller-Callee-ID-Number", "Caller-Context", "variable_bitrix_call_id", "variable_fsbitrix_queue",
        "Bridge-A-Unique-ID", "Bridge-B-Unique-ID", "Hangup-Cause", "variable_billsec", "variable_billmsec",
        "variable_sip_term_status", "variable_sip_hangup_disposition", "Record-File-Path", "Job-UUID", "Job-Command", "Job-Command-Arg",
    ];

    private static Dictionary<string, HashSet<string>> ShapesByLegAndKind(IEnumerable<EslEvent> events)
    {
        var legs = new Dictionary<string, char>();
        var shapes = new Dictionary<string, HashSet<string>>();
        foreach (EslEvent e in events.Where(e => e.UniqueId is not null))
        {
            if (!legs.TryGetValue(e.UniqueId!, out char leg))
            {
                legs[e.UniqueId!] = leg = (char)('A' + legs.Count);
            }

            shapes.TryAdd($"{leg} {e.EventName}", [.. e.Headers.Select(h => h.Key)]);
        }

        return shapes;
    }

    [Test]
    public async Task Each_simulated_event_has_the_headers_of_its_real_counterpart_that_the_service_reads()
    {
        await using Harness h = await Harness.StartAsync();
        (_, EventLog log) = await h.ConnectAsync();
        Dictionary<string, HashSet<string>> real = ShapesByLegAndKind(Fixtures.Events("s1_inbound_answered.raw"));

        Dictionary<string, HashSet<string>> simulated = ShapesByLegAndKind(
            await h.PlayAsync(StandardFlows.InboundAnswered("+79161234567", "74951234567", "1001"), log));

        Assert.That(simulated.Keys, Is.SubsetOf(real.Keys), "no event a real s1 does not have");
        Assert.Multiple(() =>
        {
            foreach ((string kind, HashSet<string> headers) in simulated)
            {
                string[] needed = [.. real[kind].Intersect(ReadByTheService)];
                Assert.That(headers, Is.SupersetOf(needed), kind);
                Assert.That(headers.Where(x => !x.StartsWith("variable_", StringComparison.Ordinal)), Is.SubsetOf(real[kind]), kind + ": invented headers");
            }
        });
    }

    [Test]
    public async Task Hangup_complete_carries_the_cdr_the_notes_describe()
    {
        await using Harness h = await Harness.StartAsync();
        (_, EventLog log) = await h.ConnectAsync();

        List<EslEvent> events = await h.PlayAsync(StandardFlows.InboundAnswered("+79161234567", "74951234567", "1001"), log);

        EslEvent customer = events.Last(e => e.EventName == "CHANNEL_HANGUP_COMPLETE");
        EslEvent agent = events.First(e => e.EventName == "CHANNEL_HANGUP_COMPLETE");
        Assert.That(customer.GetHeaders("Hangup-Cause"), Is.EqualTo(new[] { "NORMAL_CLEARING", "NORMAL_CLEARING" }));
        Assert.That(customer.GetVariable("billsec"), Is.EqualTo("4"));
        Assert.That(customer.GetVariable("billmsec"), Is.EqualTo("4000"), "talk as scripted, to the millisecond");
        Assert.That(customer.GetVariable("duration"), Is.EqualTo("6"), "2 s ringing + 4 s talk");
        Assert.That(customer.GetVariable("sip_term_status"), Is.EqualTo("200"));
        Assert.That(customer.GetVariable("sip_hangup_disposition"), Is.EqualTo("recv_bye"));
        Assert.That(agent.GetVariable("sip_term_status"), Is.Null, "FreeSWITCH sent the BYE to the agent");
        Assert.That(agent.GetVariable("sip_hangup_disposition"), Is.EqualTo("send_bye"));
        Assert.That(agent.GetVariable("originator"), Is.EqualTo(customer.UniqueId));
        Assert.That(agent["Other-Leg-Unique-ID"], Is.EqualTo(customer.UniqueId));
        Assert.That(events.Count(e => e.EventName is "CHANNEL_BRIDGE" or "CHANNEL_UNBRIDGE" && e.UniqueId != customer.UniqueId), Is.Zero,
            "bridge events come on the customer's leg only");
    }

    /// <summary>What the service reads of the real deployments' links (cc, loopback, directory user, pickup, voicemail).</summary>
    private static readonly string[] ReadForRealDeployments =
    [
        .. ReadByTheService, "Event-Subclass", "variable_cc_member_session_uuid", "variable_loopback_leg",
        "variable_other_loopback_leg_uuid", "variable_other_loopback_from_uuid", "variable_dialed_user", "variable_dialed_domain",
        "variable_dialed_extension", "variable_presence_id", "Caller-Channel-Created-Time", "Other-Leg-Channel-Created-Time",
        "Other-Leg-Orig-Caller-ID-Number", "variable_voicemail_file_path", "variable_voicemail_account", "VM-Action", "VM-File-Path",
        "VM-User",
    ];

    private static IEnumerable<TestCaseData> RealDeploymentFlows()
    {
        yield return new TestCaseData(StandardFlows.CallcenterRingAll("+79161234567", "74951234571", "1001", "1002"), "s18_callcenter_ring_all.raw").SetArgDisplayNames("s18");
        yield return new TestCaseData(StandardFlows.VoicemailOnNoAnswer("+79161234567", "74951234574", "1001"), "s22_voicemail.raw").SetArgDisplayNames("s22");
        yield return new TestCaseData(StandardFlows.FollowMe("+79161234567", "74951234576", "1001", "89161112233"), "s24_followme_mobile.raw").SetArgDisplayNames("s24");
    }

    [TestCaseSource(nameof(RealDeploymentFlows))]
    public async Task Real_deployment_flows_carry_every_link_their_real_counterparts_carry(CallScript script, string capture)
    {
        await using Harness h = await Harness.StartAsync();
        (_, EventLog log) = await h.ConnectAsync();
        // Legs created at the same instant come in either order: the headers are compared per event kind, all legs together.
        Dictionary<string, HashSet<string>> real = HeadersByKind(Fixtures.Events(capture));

        Dictionary<string, HashSet<string>> simulated = HeadersByKind(await h.PlayAsync(script, log));

        Assert.Multiple(() =>
        {
            foreach (string kind in new[] { "CHANNEL_CREATE", "CHANNEL_BRIDGE", "CHANNEL_HANGUP_COMPLETE", "CUSTOM" }.Where(real.ContainsKey))
            {
                Assert.That(simulated.GetValueOrDefault(kind) ?? [], Is.SupersetOf(real[kind].Intersect(ReadForRealDeployments)), kind);
            }
        });
    }

    private static Dictionary<string, HashSet<string>> HeadersByKind(IEnumerable<EslEvent> events) => events
        .Where(e => e.UniqueId is not null)
        .GroupBy(e => e.EventName!)
        .ToDictionary(g => g.Key, g => g.SelectMany(e => e.Headers.Select(h => h.Key)).ToHashSet());
}
