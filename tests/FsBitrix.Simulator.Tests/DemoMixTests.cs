using FsBitrix.Simulator.Demo;
using FsBitrix.Simulator.Flows;

namespace FsBitrix.Simulator.Tests;

public sealed class DemoMixTests
{
    [Test]
    public void The_demo_mix_plays_what_real_deployments_run_beside_the_plain_flows()
    {
        var driver = new DemoDriver(null!, new DemoOptions { Seed = 11 });

        HashSet<string> names = [.. Enumerable.Range(0, 400).Select(_ => driver.Next().Name)];

        Assert.That(names, Is.SupersetOf(new[] { "callcenter ring-all", "voicemail", "follow-me", "IVR then agent", "ring-all", "outbound" }));
    }

    [Test]
    public void A_demo_follow_me_rings_the_agents_desk_and_mobile_as_the_same_employee()
    {
        var driver = new DemoDriver(null!, new DemoOptions { Seed = 11 });

        CallScript followMe = Enumerable.Range(0, 400).Select(_ => driver.Next()).First(s => s.Name == "follow-me");

        Phone[] phones = [.. followMe.Rings.Single().Phones];
        Assert.That(phones[1].FollowMeOf, Is.EqualTo(phones[0].Number));
    }
}
