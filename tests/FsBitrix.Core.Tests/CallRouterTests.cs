using FsBitrix.Core.Events;
using FsBitrix.Core.Routing;
using FsBitrix.Core.Tests.Support;

namespace FsBitrix.Core.Tests;

public sealed class CallRouterTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 5, 0, 0, TimeSpan.Zero);

    private static ChannelEvent Create(string uuid, string? originator = null, string? otherLeg = null) =>
        new(ChannelEventKind.Create, uuid, T0) { Originator = originator, OtherLegUniqueId = otherLeg };

    private static (CallRouter, string?) Route(CallRouter router, ChannelEvent e) => router.Route(e);

    [Test]
    public void A_leg_nobody_dialled_starts_a_call_keyed_by_its_own_uuid()
    {
        (CallRouter router, string? key) = CallRouter.Empty.Route(Create("a"));

        Assert.That(key, Is.EqualTo("a"));
        Assert.That(router.CallOfLeg, Does.ContainKey("a"));
    }

    [Test]
    public void A_b_leg_joins_the_call_of_its_originator()
    {
        (CallRouter router, _) = CallRouter.Empty.Route(Create("a"));
        (router, string? key) = router.Route(Create("b", originator: "a"));
        (_, string? progress) = router.Route(new ChannelEvent(ChannelEventKind.Progress, "b", T0));

        Assert.That(key, Is.EqualTo("a"));
        Assert.That(progress, Is.EqualTo("a"));
    }

    [Test]
    public void Other_leg_links_a_b_leg_when_originator_is_missing()
    {
        (CallRouter router, _) = CallRouter.Empty.Route(Create("a"));

        Assert.That(router.Route(Create("b", otherLeg: "a")).CallKey, Is.EqualTo("a"));
    }

    [Test]
    public void A_consult_leg_dialled_by_an_agent_leg_lands_in_the_customers_call()
    {
        (CallRouter router, _) = CallRouter.Empty.Route(Create("customer"));
        (router, _) = router.Route(Create("agent1001", originator: "customer"));

        Assert.That(router.Route(Create("consult1002", originator: "agent1001")).CallKey, Is.EqualTo("customer"));
    }

    [Test]
    public void In_s15_every_leg_routes_to_the_customers_call()
    {
        CallRouter router = CallRouter.Empty;
        var keys = new HashSet<string?>();
        foreach (ChannelEvent e in Captures.Events("s15_attended_transfer.raw"))
        {
            (router, string? key) = router.Route(e);
            keys.Add(key);
        }

        Assert.That(keys, Is.EquivalentTo(new[] { "3fd3ecb4-fcad-4cd6-9b45-c61f78427d69" }));
    }

    [Test]
    public void Channel_call_uuid_is_not_a_key_the_transferred_agent_leg_still_routes_to_its_call()
    {
        const string customer = "59afc382-5697-442d-af65-b1eb3a5be2e8";
        const string agent1001 = "c8e53972-6bba-46f1-8191-548db58e6a8d";
        CallRouter router = CallRouter.Empty;
        string? keyOfHangup = null;
        ChannelEvent? hangup = null;
        foreach (ChannelEvent e in Captures.Events("s6_blind_transfer.raw"))
        {
            (router, string? key) = router.Route(e);
            if (e.UniqueId == agent1001 && e.Kind == ChannelEventKind.HangupComplete)
            {
                (hangup, keyOfHangup) = (e, key);
            }
        }

        Assert.That(keyOfHangup, Is.EqualTo(customer));
        Assert.That(hangup, Is.Not.Null);
    }

    [Test]
    public void A_leg_is_forgotten_at_its_hangup_complete()
    {
        (CallRouter router, _) = CallRouter.Empty.Route(Create("a"));
        (router, string? key) = router.Route(new ChannelEvent(ChannelEventKind.HangupComplete, "a", T0));

        Assert.That(key, Is.EqualTo("a"));
        Assert.That(router.LiveLegs, Is.Zero);
        Assert.That(router.Route(new ChannelEvent(ChannelEventKind.Answer, "a", T0)).CallKey, Is.Null);
    }

    [Test]
    public void Events_of_a_leg_that_was_up_before_we_connected_are_not_routed()
    {
        (CallRouter router, string? key) = CallRouter.Empty.Route(new ChannelEvent(ChannelEventKind.Answer, "old", T0));

        Assert.That(key, Is.Null);
        Assert.That(router, Is.SameAs(CallRouter.Empty));
    }

    [Test]
    public void Socket_channel_data_of_an_unseen_leg_starts_its_call()
    {
        Assert.That(CallRouter.Empty.Route(new ChannelEvent(ChannelEventKind.ChannelData, "q", T0)).CallKey, Is.EqualTo("q"));
    }

    [Test]
    public void An_originate_job_routes_to_the_leg_it_created_while_that_leg_lives()
    {
        var job = new ChannelEvent(ChannelEventKind.BackgroundJob, null, T0) { OriginationUuid = "rep", JobResult = "-ERR NO_ANSWER" };
        (CallRouter router, _) = CallRouter.Empty.Route(Create("rep"));

        Assert.That(router.Route(job).CallKey, Is.EqualTo("rep"));
        Assert.That(CallRouter.Empty.Route(job).CallKey, Is.Null);
    }

    [Test]
    public void Routing_does_not_change_the_router_it_is_given()
    {
        (CallRouter router, _) = CallRouter.Empty.Route(Create("a"));
        _ = router.Route(Create("b", originator: "a"));

        Assert.That(router.CallOfLeg.Keys, Is.EquivalentTo(new[] { "a" }));
        Assert.That(CallRouter.Empty.LiveLegs, Is.Zero);
    }
}
