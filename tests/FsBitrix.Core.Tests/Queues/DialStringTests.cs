using FsBitrix.Core.Queues;

namespace FsBitrix.Core.Tests.Queues;

/// <summary>Exact dial strings, as FreeSWITCH's bridge and originate parse them.</summary>
public sealed class DialStringTests
{
    [Test]
    public void Ring_all_gives_each_leg_its_uuid_and_timeout_and_the_call_its_globals()
    {
        string dial = DialString.RingAll(DialString.DefaultExtensionTemplate,
            [("1001", "c1-a1-1001"), ("1002", "c1-a1-1002")], TimeSpan.FromSeconds(19.2),
            [new("ignore_early_media", "true"), new("fsbitrix_queue", "sales")]);

        Assert.That(dial, Is.EqualTo(
            "{ignore_early_media=true,fsbitrix_queue=sales}"
            + "[origination_uuid=c1-a1-1001,leg_timeout=20]user/1001,"
            + "[origination_uuid=c1-a1-1002,leg_timeout=20]user/1002"));
    }

    [Test]
    public void A_companys_agents_ring_at_their_own_domain()
    {
        string dial = DialString.RingAll(DialString.DefaultExtensionTemplate,
            [(AgentAddress.Of("1001", "B.example"), "u1"), ("1002@b.example", "u2")], TimeSpan.FromSeconds(20));

        Assert.That(dial, Is.EqualTo("[origination_uuid=u1,leg_timeout=20]user/1001@b.example,[origination_uuid=u2,leg_timeout=20]user/1002@b.example"));
        Assert.That(DialString.RingAll("sofia/internal/{extension}@{domain}", [("1001@b.example", "u1")], TimeSpan.FromSeconds(5)),
            Is.EqualTo("[origination_uuid=u1,leg_timeout=5]sofia/internal/1001@b.example"));
    }

    [Test]
    public void The_configured_template_names_the_phone()
    {
        Assert.That(DialString.Endpoint("sofia/internal/{extension}@pbx.example.com", "1001"),
            Is.EqualTo("sofia/internal/1001@pbx.example.com"));
    }

    [Test]
    public void Sequential_legs_are_separated_by_a_pipe_and_a_leg_without_variables_has_no_brackets()
    {
        string dial = DialString.Sequential(null,
            [new DialLeg("user/1001", [new("leg_timeout", "5")]), new DialLeg("user/1002", [])]);

        Assert.That(dial, Is.EqualTo("[leg_timeout=5]user/1001|user/1002"));
    }

    [Test]
    public void A_comma_in_a_value_is_escaped_so_it_does_not_split_the_variables()
    {
        string dial = DialString.Simultaneous([new("origination_caller_id_name", "Smith, John")],
            [new DialLeg("user/1001", [new("sip_h_X-Note", "a,b")])]);

        // The space quotes the value: the originate API splits its arguments on spaces; FreeSWITCH drops the quotes.
        Assert.That(dial, Is.EqualTo(@"{origination_caller_id_name='Smith\, John'}[sip_h_X-Note=a\,b]user/1001"));
    }

    [TestCase(null, "user/1001")]
    [TestCase("b.example", "user/1001@b.example")]
    public void A_company_s_domain_goes_on_its_plain_user_endpoint(string? domain, string endpoint)
    {
        Assert.That(DialString.Endpoint("user/{extension}", "1001", domain), Is.EqualTo(endpoint));
        Assert.That(DialString.Endpoint("user/{extension}@{domain}", "1001", domain), Is.EqualTo(endpoint));
        Assert.That(DialString.Endpoint("sofia/internal/{extension}@10.0.0.5", "1001", domain), Is.EqualTo("sofia/internal/1001@10.0.0.5"));
    }

    [Test]
    public void The_client_s_number_fills_the_gateway_template_and_nothing_else_gets_in()
    {
        Assert.That(DialString.External("sofia/gateway/default/{number}", "+79161234567"), Is.EqualTo("sofia/gateway/default/+79161234567"));
        Assert.Throws<ArgumentException>(() => DialString.External("sofia/gateway/default/{number}", "+7916,user/1002"));
    }

    [TestCase("it's")]
    [TestCase(@"C:\x")]
    [TestCase("a|b")]
    [TestCase("a]b")]
    [TestCase("a}b")]
    [TestCase("a\nb")]
    public void Characters_an_escape_cannot_carry_are_refused(string value)
    {
        Assert.That(() => DialString.Escape(value), Throws.ArgumentException);
    }

    [Test]
    public void Timeouts_are_whole_seconds_rounded_up()
    {
        Assert.That(DialString.Seconds(TimeSpan.FromMilliseconds(200)), Is.EqualTo("1"));
        Assert.That(DialString.Seconds(TimeSpan.FromSeconds(20)), Is.EqualTo("20"));
    }
}
