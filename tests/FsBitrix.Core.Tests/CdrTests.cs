using FsBitrix.Core.Status;
using FsBitrix.Core.Calls;
using FsBitrix.Core.Cdr;
using FsBitrix.Core.Events;
using FsBitrix.Core.Tests.Support;

namespace FsBitrix.Core.Tests;

/// <summary>
/// FreeSWITCH's own CDRs (../shared/fixtures/cdr, mod_xml_cdr) of the scenarios, read as the events their legs fired
/// and reduced like live events: a call nobody was listening to gets the Bitrix24 commands the live capture of the
/// same flow gets (other run, other UUIDs: compared by what Bitrix24 sees).
/// </summary>
public sealed class CdrTests
{
    [TestCase("s1_inbound_answered", "s1_inbound_answered.raw")]
    [TestCase("s2_ring_all", "s2_ring_all.raw")]
    [TestCase("s4_missed", "s4_missed.raw")]
    [TestCase("s6_blind_transfer", "s6_blind_transfer.raw")]
    [TestCase("s7_outbound", "s7_outbound.raw")]
    [TestCase("s18_callcenter_ring_all", "s18_callcenter_ring_all.raw")]
    [TestCase("s22_voicemail", "s22_voicemail.raw")]
    [TestCase("s24_followme_mobile", "s24_followme_mobile.raw")]
    public void A_calls_cdrs_give_the_commands_its_live_events_give(string cdrs, string capture)
    {
        // Cards are for calls still ringing: a call read from its CDRs is over, so only what stays in Bitrix24 counts.
        List<CallCommand> fromCdrs = [.. Switchboard.Run(CdrLegEvents.Merge(Legs(cdrs, "log"))).Commands.Where(c => c is not (ShowCard or HideCard))];
        List<CallCommand> live = [.. Switchboard.Run(Captures.Events(capture)).Commands.Where(c => c is not (ShowCard or HideCard))];

        Assert.That(fromCdrs.Select(Seen), Is.EqualTo(live.Select(Seen)));
        FinishCall finish = fromCdrs.OfType<FinishCall>().Single();
        Assert.That(finish.Duration, Is.InRange(live.OfType<FinishCall>().Single().Duration - 1, live.OfType<FinishCall>().Single().Duration + 1));
    }

    [Test]
    public void The_err_log_dir_holds_the_same_cdrs_url_encoded()
    {
        List<CallCommand> fromErrLog = Switchboard.Run(CdrLegEvents.Merge(Legs("s1_inbound_answered_sink_down", "err", encoded: true))).Commands;
        List<CallCommand> fromLog = Switchboard.Run(CdrLegEvents.Merge(Legs("s1_inbound_answered_sink_down", "log"))).Commands;

        Assert.That(fromErrLog, Is.EqualTo(fromLog));
        Assert.That(fromLog.OfType<FinishCall>().Single().Status, Is.EqualTo(CallStatus.Answered));
    }

    [TestCase("")]
    [TestCase("not xml at all")]
    [TestCase("<?xml version=\"1.0\"?><cdr><variables></variables></cdr>")]
    [TestCase("<?xml version=\"1.0\"?><notacdr/>")]
    [TestCase("<?xml version=\"1.0\"?><cdr><variables><uuid>x</uuid></variables>")]
    [TestCase("<?xml version=\"1.0\"?><cdr><variables><uuid>x</uuid><start_uepoch>999999999999999999</start_uepoch></variables></cdr>")] // no date holds it
    public void Malformed_cdrs_are_refused_with_a_reason(string xml)
    {
        Assert.That(() => CdrLegEvents.Read(xml), Throws.InstanceOf<CdrFormatException>().With.Message.Not.Empty);
    }

    // What Bitrix24 sees of a command: not the UUIDs, times or file names of one run.
    private static string Seen(CallCommand c) => c switch
    {
        RegisterCall r => $"register {r.Type} {r.PhoneNumber} {r.LineNumber} {r.UserPhoneInner}",
        ShowCard s => $"show {s.UserPhoneInner}",
        HideCard h => $"hide {h.UserPhoneInner}",
        FinishCall f => $"finish {f.UserPhoneInner} {f.Status}",
        AttachRecording a => "attach " + (a.FilePath.Contains("voicemail", StringComparison.Ordinal) ? "voicemail" : "recording"),
        _ => c.GetType().Name,
    };

    private static IEnumerable<IReadOnlyList<ChannelEvent>> Legs(string scenario, string folder, bool encoded = false) =>
        Directory.EnumerateFiles(Path.Combine(Fixtures.Esl, "..", "cdr", scenario, folder), "*.cdr.xml").Order(StringComparer.Ordinal)
            .Select(File.ReadAllText)
            .Select(text => CdrLegEvents.Read(encoded ? Uri.UnescapeDataString(text) : text));
}
