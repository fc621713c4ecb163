using FsBitrix.Core.Calls;
using FsBitrix.Core.Events;
using FsBitrix.Core.Queues;
using FsBitrix.Core.Tests.Support;
using static FsBitrix.Core.Tests.Queues.QueueKit;

namespace FsBitrix.Core.Tests.Queues;

/// <summary>Who is on the phone, from FreeSWITCH's channel events.</summary>
public sealed class AgentPresenceTests
{
    private static AgentPresence Feed(AgentPresence presence, IEnumerable<ChannelEvent> events, Func<ChannelEvent, bool>? until = null)
    {
        foreach (ChannelEvent e in events)
        {
            if (until?.Invoke(e) == true)
            {
                break;
            }

            presence = presence.Apply(e, CallSettings.Default);
        }

        return presence;
    }

    [Test]
    public void In_s16_both_agents_are_busy_while_ringing_and_only_the_one_who_talked_has_a_last_call_end()
    {
        IReadOnlyList<ChannelEvent> events = Captures.Events("s16_socket_ring_all.raw");
        AgentPresence ringing = Feed(AgentPresence.Empty, events, e => e.Kind == ChannelEventKind.Answer);
        AgentPresence after = Feed(AgentPresence.Empty, events);

        Assert.That(ringing.IsBusy("1001") && ringing.IsBusy("1002"), Is.True);
        Assert.That(ringing.Legs.Values.Select(l => l.CallKey).Distinct(),
            Is.EqualTo(new[] { "1bc7867e-9b14-4310-92e2-85847eaf27ff" }), "agent legs belong to the customer's call");
        Assert.That(after.Legs, Is.Empty);
        Assert.That(after.LastCallEnded.Keys, Is.EqualTo(new[] { "1002" }), "1001 lost the race: no wrap-up for it");
    }

    [Test]
    public void In_s25_another_companys_1001_ringing_leaves_the_default_companys_1001_free()
    {
        // s25: b.example's DID rings user/1001@b.example, another company's phone than lab.example's 1001.
        IReadOnlyList<ChannelEvent> events = Captures.Events("s25_second_tenant.raw");
        var companies = new CallSettings { TenantDomains = new HashSet<string>(StringComparer.Ordinal) { "b.example" } };
        AgentPresence ringing = AgentPresence.Empty;
        foreach (ChannelEvent e in events.TakeWhile(e => e.Kind != ChannelEventKind.Answer))
        {
            ringing = ringing.Apply(e, companies);
        }

        Assert.Multiple(() =>
        {
            Assert.That(ringing.IsBusy("1001@b.example"), Is.True);
            Assert.That(ringing.IsBusy("1001"), Is.False, "the default company's 1001 is another phone");
            Assert.That(Feed(AgentPresence.Empty, events, e => e.Kind == ChannelEventKind.Answer).IsBusy("1001"), Is.True,
                "without companies every domain is one company, as before");
        });
    }

    [Test]
    public void A_companys_phone_placing_a_call_is_busy_under_its_domain()
    {
        var companies = new CallSettings { TenantDomains = new HashSet<string>(StringComparer.Ordinal) { "b.example" } };
        ChannelEvent outgoing = new(ChannelEventKind.Create, "leg", T0)
        {
            Direction = Esl.Events.CallDirection.Inbound,
            CallerIdNumber = "1001",
            DestinationNumber = "89161234567",
            DomainName = "B.example",
        };

        AgentPresence presence = AgentPresence.Empty.Apply(outgoing, companies);
        Assert.That((presence.IsBusy("1001@b.example"), presence.IsBusy("1001")), Is.EqualTo((true, false)));
        Assert.That(AgentPresence.Empty.Apply(outgoing with { DomainName = "lab.example" }, companies).IsBusy("1001"), Is.True,
            "a domain without a company of its own is the default company's");
    }

    [Test]
    public void A_phone_placing_a_call_is_busy_by_its_caller_number()
    {
        ChannelEvent outgoing = new(ChannelEventKind.Create, "leg", T0)
        {
            Direction = Esl.Events.CallDirection.Inbound,
            CallerIdNumber = "1001",
            DestinationNumber = "89161234567",
        };

        Assert.That(AgentPresence.Empty.Apply(outgoing, CallSettings.Default).IsBusy("1001"), Is.True);
    }

    [Test]
    public void A_clients_leg_is_nobodys_phone()
    {
        ChannelEvent customer = new(ChannelEventKind.Create, "leg", T0)
        {
            Direction = Esl.Events.CallDirection.Inbound,
            CallerIdNumber = "+79161234567",
            DestinationNumber = "74951234570",
        };

        Assert.That(AgentPresence.Empty.Apply(customer, CallSettings.Default).Legs, Is.Empty);
    }

    [Test]
    public void Withdraw_drops_only_the_offers_of_that_call()
    {
        AgentPresence presence = AgentPresence.Empty.Offer("c1", ["1001"]).Offer("c2", ["1002"]).Withdraw("c1");

        Assert.That(presence.IsBusy("1001"), Is.False);
        Assert.That(presence.IsBusy("1002"), Is.True);
    }
}
