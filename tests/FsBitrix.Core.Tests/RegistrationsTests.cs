using FsBitrix.Core.Calls;
using FsBitrix.Core.Events;
using FsBitrix.Core.Reconciliation;

namespace FsBitrix.Core.Tests;

/// <summary>Where a phone is registered (a click-to-call rings it from that node), and which node a call lives on.</summary>
public sealed class RegistrationsTests
{
    // The shape of `show registrations as json` (mod_commands lists the core `registrations` table mod_sofia fills:
    // reg_user, realm, token, url, expires, network_ip, network_port, network_proto, hostname, metadata). Written from
    // that table's columns: no capture of ours asked it.
    private const string TwoPhones = """
        {"row_count":2,"rows":[
        {"reg_user":"1001","realm":"lab.example","token":"a1","url":"sofia/internal/sip:1001@127.0.0.1:5071","expires":"1796700000",
         "network_ip":"127.0.0.1","network_port":"5071","network_proto":"udp","hostname":"fs2","metadata":""},
        {"reg_user":"1001","realm":"b.example","token":"b1","url":"sofia/internal/sip:1001@127.0.0.1:5073","expires":"1796700000",
         "network_ip":"127.0.0.1","network_port":"5073","network_proto":"udp","hostname":"fs2","metadata":""}]}
        """;

    [TestCase("1001", null, true)]
    [TestCase("1001", "B.example", true)]
    [TestCase("1001", "c.example", false)]
    [TestCase("1002", null, false)]
    public void A_phone_is_registered_here_only_when_a_row_names_its_user_and_domain(string extension, string? domain, bool registered) =>
        Assert.That(Registrations.Has(TwoPhones, extension, domain), Is.EqualTo(registered));

    [TestCase("{\"row_count\":0}")]
    [TestCase("-ERR no reply")]
    [TestCase("{\"row_count\":1,\"rows\":[{\"reg_user\":5}]}")]
    [TestCase("{\"rows\":[")]
    [TestCase("")]
    public void An_empty_or_unreadable_answer_knows_no_phone(string body) =>
        Assert.That(Registrations.Has(body, "1001", null), Is.False);

    [Test]
    public void A_call_lives_on_the_node_of_its_first_event_and_stays_there()
    {
        var reducer = new CallReducer(CallSettings.Default);
        var created = new ChannelEvent(ChannelEventKind.Create, "c1", DateTimeOffset.UnixEpoch)
        {
            Direction = Esl.Events.CallDirection.Inbound,
            CallerIdNumber = "+79161234567",
            DestinationNumber = "74951234567",
            Node = "fs2",
        };

        CallState state = reducer.Reduce(CallState.Start("c1"), created).State;
        CallState later = reducer.Reduce(state, created with { Kind = ChannelEventKind.Progress, Node = "fs1" }).State;

        Assert.That((state.Node, later.Node), Is.EqualTo(("fs2", "fs2")));
        Assert.That(reducer.Reduce(CallState.Start("c2"), created with { Node = null }).State.Node, Is.Null, "one node: no name");
    }
}
