using System.Text;
using FsBitrix.Esl.Events;
using FsBitrix.Esl.Protocol;
using FsBitrix.Esl.Tests.Support;

namespace FsBitrix.Esl.Tests.Protocol;

public class EventParsingTests
{
    [Test]
    public void Hangup_complete_keeps_both_Hangup_Cause_headers_and_the_cdr_variables()
    {
        EslEvent hangup = FrameReplay.Whole(Fixtures.Bytes("protocol/inbound_plain_call.raw"))
            .Where(f => f.IsEvent).Select(f => f.Event)
            .First(e => e.EventName == EslEventNames.ChannelHangupComplete);

        Assert.That(hangup.GetHeaders(EslHeaders.HangupCause), Is.EqualTo(new[] { "NORMAL_CLEARING", "NORMAL_CLEARING" }));
        Assert.That(hangup.HangupCause, Is.EqualTo(HangupCause.NORMAL_CLEARING));
        Assert.That(hangup.GetVariable("billsec"), Does.Match("^[0-9]+$"));
        Assert.That(hangup.UniqueId, Does.Match("^[0-9a-f-]{36}$"));
        Assert.That(hangup.Timestamp!.Value.Year, Is.EqualTo(2026));
    }

    [Test]
    public void Plain_values_are_url_decoded_and_header_names_match_case_insensitively()
    {
        EslEvent e = FrameReplay.Whole(Fixtures.Bytes("protocol/inbound_bgapi.raw")).First(f => f.IsEvent).Event;

        Assert.That(e["Event-Date-Local"], Is.EqualTo("2026-11-24 04:29:44"));
        Assert.That(e["freeswitch-ipv6"], Is.EqualTo("fd00::2"));
        Assert.That(e["No-Such-Header"], Is.Null);
    }

    [Test]
    public void Background_jobs_carry_their_own_body_and_the_client_chosen_job_uuid()
    {
        List<EslFrame> frames = FrameReplay.Whole(Fixtures.Bytes("protocol/inbound_bgapi.raw"));
        List<EslEvent> jobs = frames.Where(f => f.IsEvent).Select(f => f.Event)
            .Where(e => e.EventName == EslEventNames.BackgroundJob).ToList();

        Assert.That(jobs, Has.Count.EqualTo(3));
        Assert.That(jobs[1].JobUuid, Is.EqualTo("7f4de4bc-17d7-11ee-be56-0242ac120002"));
        Assert.That(jobs[1][EslHeaders.JobCommand], Is.EqualTo("version"));
        Assert.That(jobs[2].BodyText, Is.EqualTo("-ERR USER_BUSY\n"));
        Assert.That(frames.Where(f => f.ContentType == EslContentType.CommandReply).Select(f => f.GetHeader(EslHeaders.JobUuid)),
            Does.Contain("7f4de4bc-17d7-11ee-be56-0242ac120002"));
    }

    [Test]
    public void Json_and_xml_events_read_the_same_way_as_plain_ones()
    {
        EslEvent json = FrameReplay.Whole(Fixtures.Bytes("protocol/inbound_json_call.raw"))
            .Where(f => f.IsEvent).Select(f => f.Event).First(e => e.EventName == EslEventNames.BackgroundJob);
        EslEvent xml = FrameReplay.Whole(Fixtures.Bytes("protocol/inbound_xml_call.raw"))
            .Where(f => f.IsEvent).Select(f => f.Event).First(e => e.EventName == EslEventNames.BackgroundJob);

        Assert.That(json.Format, Is.EqualTo(EslEventFormat.Json));
        Assert.That(json.BodyText, Does.Match("^\\+OK [0-9a-f-]{36}\n$"));
        Assert.That(xml.Format, Is.EqualTo(EslEventFormat.Xml));
        Assert.That(xml.BodyText, Does.Match("^\\+OK [0-9a-f-]{36}\n$"));
        Assert.That(xml["Event-Date-GMT"], Does.EndWith(" GMT"), "xml values are url-decoded");
        Assert.That(json.CoreUuid, Is.EqualTo(xml.CoreUuid));
    }

    [Test]
    public void Json_arrays_and_plain_ARRAY_values_list_every_item()
    {
        EslEvent json = Frames.Single(Frames.EventFrame(EslContentTypes.EventJson,
            "{\"Event-Name\":\"CHANNEL_HANGUP_COMPLETE\",\"variable_originate_causes\":[\"a;USER_BUSY\",\"b;NO_ANSWER\"],\"Caller-Caller-ID-Name\":\"\\u0418\\u0432\\u0430\\u043d \\\"VIP\\\"\"}")).Event;
        EslEvent plain = Frames.Single(Frames.EventFrame(EslContentTypes.EventPlain,
            "Event-Name: CHANNEL_HANGUP_COMPLETE\nvariable_originate_causes: ARRAY%3A%3Aa%3BUSER_BUSY%7C%3Ab%3BNO_ANSWER\n\n")).Event;

        Assert.That(json.GetHeaders("variable_originate_causes"), Is.EqualTo(new[] { "a;USER_BUSY", "b;NO_ANSWER" }));
        Assert.That(plain.GetHeaders("variable_originate_causes"), Is.EqualTo(new[] { "a;USER_BUSY", "b;NO_ANSWER" }));
        Assert.That(json["Caller-Caller-ID-Name"], Is.EqualTo("Иван \"VIP\""));
    }

    [Test]
    public void An_event_body_with_blank_lines_is_kept_whole()
    {
        const string cdr = "<cdr>\n\n  <variables>\n\n</variables>\n</cdr>\n";
        string inner = $"Event-Name: CHANNEL_HANGUP_COMPLETE\ncontent-type: message/sipfrag\nCDR-Attached: xml\nContent-Length: {Encoding.UTF8.GetByteCount(cdr)}\n\n{cdr}";
        byte[] wire = [.. Frames.EventFrame(EslContentTypes.EventPlain, inner), .. "Content-Type: auth/request\n\n"u8.ToArray()];

        List<EslFrame> frames = FrameReplay.ByteByByte(wire);

        Assert.That(frames, Has.Count.EqualTo(2));
        Assert.That(frames[0].Event.BodyText, Is.EqualTo(cdr));
        Assert.That(frames[0].ContentType, Is.EqualTo(EslContentType.EventPlain), "inner content-type never leaks into the envelope");
        Assert.That(frames[0].Event["Content-Type"], Is.EqualTo("message/sipfrag"));
    }

    [Test]
    public void A_utf8_caller_name_split_across_reads_survives()
    {
        byte[] wire = Frames.EventFrame(EslContentTypes.EventJson,
            "{\"Event-Name\":\"CHANNEL_CREATE\",\"Caller-Caller-ID-Name\":\"Пётр Иванов\",\"Unique-ID\":\"u1\"}");

        foreach (int chunk in new[] { 1, 2, 3, 5, 7 })
        {
            EslEvent e = FrameReplay.Parse(wire, _ => chunk).Single().Event;
            Assert.That(e["Caller-Caller-ID-Name"], Is.EqualTo("Пётр Иванов"), $"chunks of {chunk}");
            Assert.That(e.UniqueId, Is.EqualTo("u1"));
        }
    }

    [TestCase("100%", "100%")]
    [TestCase("a+b%2Bc", "a+b+c")]
    [TestCase("%D0%9F%D1%91%D1%82%D1%80", "Пётр")]
    [TestCase("bad%zzseq%4", "bad%zzseq%4")]
    [TestCase("%FF%FEnot-utf8", "%FF%FEnot-utf8")]
    [TestCase("%41", "A")]
    [TestCase("_undef_", "_undef_")]
    public void Percent_decoding_is_lenient_and_never_turns_plus_into_space(string raw, string expected)
    {
        EslEvent e = Frames.Single(Frames.EventFrame(EslContentTypes.EventPlain, $"Event-Name: CUSTOM\nX-Value: {raw}\n\n")).Event;

        Assert.That(e["X-Value"], Is.EqualTo(expected));
    }

    [Test]
    public void The_outbound_connect_reply_reads_as_channel_data()
    {
        EslFrame connect = FrameReplay.Whole(Fixtures.Bytes("protocol/outbound_plain_session_step_connect.raw")).Single();
        EslEvent data = connect.AsHeaderEvent();

        Assert.That(connect.ContentType, Is.EqualTo(EslContentType.CommandReply));
        Assert.That(connect.GetHeader(EslHeaders.SocketMode), Is.EqualTo("async"));
        Assert.That(connect.GetHeader(EslHeaders.Control), Is.EqualTo("full"));
        Assert.That(data.EventName, Is.EqualTo(EslEventNames.ChannelData));
        Assert.That(data[EslHeaders.ReplyText], Is.EqualTo("+OK\n"));
        Assert.That(data.UniqueId, Is.EqualTo("4e0515c7-9c6d-4bac-bf76-d77e8f9004e3"));
    }

    [Test]
    public void Api_response_without_trailing_newline_is_followed_directly_by_the_next_frame()
    {
        List<EslFrame> frames = FrameReplay.ByteByByte(Fixtures.Bytes("protocol/inbound_api_misc.raw"));
        List<string> api = frames.Where(f => f.ContentType == EslContentType.ApiResponse).Select(f => f.BodyText).ToList();

        Assert.That(api, Does.Contain("false"));
        Assert.That(api, Has.Some.StartsWith("-ERR USER_BUSY"));
        Assert.That(api, Has.Some.Contains("Command not found"));
    }

    [Test]
    public void Linger_and_disconnect_notices_and_log_lines_keep_their_headers()
    {
        List<EslFrame> session = FrameReplay.Whole(Fixtures.Bytes("protocol/outbound_plain_session.raw"));
        List<EslFrame> notices = session.Where(f => f.ContentType == EslContentType.DisconnectNotice).ToList();
        EslFrame log = FrameReplay.Whole(Fixtures.Bytes("protocol/inbound_log.raw")).First(f => f.ContentType == EslContentType.LogData);

        Assert.That(notices.Select(n => n.GetHeader(EslHeaders.ContentDisposition)), Is.EqualTo(new[] { "linger", "disconnect" }));
        Assert.That(notices[0].GetHeader(EslHeaders.LingerTime), Is.EqualTo("-1"));
        Assert.That(notices[1].BodyText, Does.StartWith("Disconnected, goodbye."));
        Assert.That(log.GetHeader(EslHeaders.LogLevel), Is.EqualTo("7"));
        Assert.That(log.GetHeader("User-Data"), Is.Empty);
        Assert.That(log.BodyText, Does.Contain("[DEBUG]"));
    }

    [Test]
    public void Channel_variables_are_found_by_their_name_alone_and_only_whole()
    {
        EslEvent e = Frames.Single(Frames.EventFrame(EslContentTypes.EventPlain,
            "Event-Name: CHANNEL_CREATE\nvariable_billsec: 4\nvariable_billsec_extra: 9\nbillsec: 7\n\n")).Event;

        Assert.That(e.GetVariable("billsec"), Is.EqualTo("4"));
        Assert.That(e.GetVariable("BILLSEC"), Is.EqualTo("4"), "header names match case-insensitively");
        Assert.That(e.GetVariable("billse"), Is.Null, "a prefix of a name is not the name");
        Assert.That(e.GetVariable("missing"), Is.Null);
    }
}
