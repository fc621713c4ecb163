using FsBitrix.Core.Calls;
using FsBitrix.Core.Events;
using FsBitrix.Core.Routing;
using FsBitrix.Core.Tests.Support;

namespace FsBitrix.Core.Tests;

/// <summary>The router's map is derived from the calls not over, so a restarted service rebuilds it from them.</summary>
public sealed class RouterRebuildTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 5, 0, 0, TimeSpan.Zero);

    [TestCaseSource(typeof(ScenarioFiles), nameof(ScenarioFiles.All))]
    public void After_every_event_the_rebuilt_router_is_the_router(string file)
    {
        var board = new Switchboard();
        foreach (ChannelEvent e in Captures.Events(file))
        {
            board.Feed(e);
            CallRouter rebuilt = CallRouter.Rebuild(board.LiveCalls);
            Assert.That(rebuilt.CallOfLeg, Is.EquivalentTo(board.Router.CallOfLeg), $"after {e.Kind} of {e.UniqueId}");
            Assert.That(rebuilt.CallOfBitrixCallId, Is.EquivalentTo(board.Router.CallOfBitrixCallId), $"CALL_IDs after {e.Kind} of {e.UniqueId}");
        }
    }

    [Test]
    public void Keep_only_forgets_legs_freeswitch_no_longer_has()
    {
        CallRouter router = Route(CallRouter.Empty, Create("a"), Create("b", "a"), Create("x"));

        CallRouter kept = router.KeepOnly(new HashSet<string> { "a", "x", "unknown" });

        Assert.That(kept.CallOfLeg.Keys, Is.EquivalentTo(new[] { "a", "x" }));
        Assert.That(router.KeepOnly(new HashSet<string> { "a", "b", "x" }), Is.SameAs(router));
    }

    [Test]
    public void Forget_drops_every_leg_of_one_call_only()
    {
        CallRouter router = Route(CallRouter.Empty, Create("a"), Create("b", "a"), Create("c", "b"), Create("x"));

        Assert.That(router.Forget("a").CallOfLeg.Keys, Is.EquivalentTo(new[] { "x" }));
    }

    [Test]
    public void Rebuild_leaves_out_ended_legs_and_maps_the_others_to_their_call()
    {
        CallState call = CallState.Start("a") with
        {
            Legs = [new LegState("a", LegRole.Customer, null), new LegState("b", LegRole.Agent, "1001") { Ended = true }],
        };

        CallRouter router = CallRouter.Rebuild([call]);

        Assert.That(router.CallOfLeg, Is.EquivalentTo(new Dictionary<string, string> { ["a"] = "a" }));
        Assert.That(router.Route(new ChannelEvent(ChannelEventKind.Create, "c", T0) { Originator = "a" }).CallKey, Is.EqualTo("a"));
    }

    [Test]
    public void Adopt_routes_the_live_legs_of_a_call_never_seen_created_and_keeps_the_others()
    {
        CallRouter router = Route(CallRouter.Empty, Create("x"));
        CallState adopted = CallState.Start("a") with
        {
            Kind = CallKind.ClickToCall,
            BitrixCallId = "externalCall.1",
            Legs = [new LegState("a", LegRole.Agent, "1001"), new LegState("b", LegRole.Agent, "1002") { Ended = true }],
        };

        CallRouter after = router.Adopt(adopted);

        Assert.That(after.CallOfLeg, Is.EquivalentTo(new Dictionary<string, string> { ["x"] = "x", ["a"] = "a" }));
        Assert.That(after.Route(new ChannelEvent(ChannelEventKind.Create, "c", T0) { BitrixCallId = "externalCall.1" }).CallKey, Is.EqualTo("a"));
    }

    private static ChannelEvent Create(string uuid, string? originator = null) =>
        new(ChannelEventKind.Create, uuid, T0) { Originator = originator };

    private static CallRouter Route(CallRouter router, params ChannelEvent[] events) =>
        events.Aggregate(router, (r, e) => r.Route(e).Router);
}
