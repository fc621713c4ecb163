using System.Buffers;
using FsBitrix.Core.Events;
using FsBitrix.Core.Tests.Support;
using FsBitrix.Esl.Events;
using FsBitrix.Esl.Protocol;

namespace FsBitrix.Core.Tests;

public sealed class ChannelEventFactoryTests
{
    private const string S1Customer = "86e6b4a4-da8c-496f-8001-d64d3843a17b";
    private const string S1Agent = "9f3b587a-8612-4833-af43-6c594165361d";

    private static ChannelEvent First(string file, ChannelEventKind kind, string? uuid = null) =>
        Captures.Events(file).First(e => e.Kind == kind && (uuid is null || e.UniqueId == uuid));

    [TestCase("s1_inbound_answered.raw")]
    [TestCase("s1_inbound_answered_json.raw")]
    public void Customer_leg_creation_carries_numbers_did_and_time(string file)
    {
        ChannelEvent e = Captures.Events(file)[0];

        Assert.Multiple(() =>
        {
            Assert.That(e.Kind, Is.EqualTo(ChannelEventKind.Create));
            Assert.That(e.Direction, Is.EqualTo(CallDirection.Inbound));
            Assert.That(e.CallerIdNumber, Is.EqualTo("+79161234567"));
            Assert.That(e.OrigCallerIdNumber, Is.EqualTo("+79161234567"));
            Assert.That(e.DestinationNumber, Is.EqualTo("74951234567"));
            Assert.That(e.Context, Is.EqualTo("public"));
            Assert.That(e.Originator, Is.Null);
            Assert.That(e.ChannelCallUuid, Is.EqualTo(e.UniqueId));
            Assert.That(e.Timestamp!.Value.Year, Is.EqualTo(2026));
        });
    }

    [Test]
    public void Agent_leg_creation_names_the_leg_that_dialled_it()
    {
        ChannelEvent e = First("s1_inbound_answered.raw", ChannelEventKind.Create, S1Agent);

        Assert.Multiple(() =>
        {
            Assert.That(e.Direction, Is.EqualTo(CallDirection.Outbound));
            Assert.That(e.Originator, Is.EqualTo(S1Customer));
            Assert.That(e.OtherLegUniqueId, Is.EqualTo(S1Customer));
            Assert.That(e.DestinationNumber, Is.EqualTo("1001"));
            Assert.That(e.CalleeIdNumber, Is.EqualTo("1001"));
        });
    }

    [Test]
    public void Hangup_complete_carries_the_cdr()
    {
        ChannelEvent e = First("s1_inbound_answered.raw", ChannelEventKind.HangupComplete, S1Customer);

        Assert.Multiple(() =>
        {
            Assert.That(e.HangupCause, Is.EqualTo(HangupCause.NORMAL_CLEARING));
            Assert.That(e.Billsec, Is.EqualTo(4));
            Assert.That(e.Billmsec, Is.EqualTo(4020));
            Assert.That(e.SipTermStatus, Is.EqualTo("200"));
            Assert.That(e.SipHangupDisposition, Is.EqualTo("recv_bye"));
        });
    }

    [Test]
    public void Bridge_and_recording_carry_their_headers()
    {
        ChannelEvent bridge = First("s1_inbound_answered.raw", ChannelEventKind.Bridge);
        ChannelEvent record = First("s1_inbound_answered.raw", ChannelEventKind.RecordStop);

        Assert.Multiple(() =>
        {
            Assert.That(bridge.BridgeAUniqueId, Is.EqualTo(S1Customer));
            Assert.That(bridge.BridgeBUniqueId, Is.EqualTo(S1Agent));
            Assert.That(record.RecordFilePath, Is.EqualTo($"/opt/fswitch/rec/{S1Customer}.wav"));
        });
    }

    [Test]
    public void Click_to_call_leg_carries_the_portals_call_id()
    {
        ChannelEvent e = First("s12_click_to_call.raw", ChannelEventKind.Create);

        Assert.Multiple(() =>
        {
            Assert.That(e.BitrixCallId, Is.EqualTo("externalCall.0123456789abcdef0123456789abcdef.1795490000"));
            Assert.That(e.OriginationUuid, Is.EqualTo(e.UniqueId));
            Assert.That(e.Direction, Is.EqualTo(CallDirection.Outbound));
        });
    }

    [Test]
    public void Queue_is_read_from_the_socket_apps_channel_data_and_the_hangup()
    {
        EslCapturedFrame connect = EslCapture.Read(File.ReadAllBytes(Fixtures.Scenario("s9_queue_socket.outbound.raw"))).First();
        ChannelEvent? data = ChannelEventFactory.From(connect.HeaderEvent);
        ChannelEvent hangup = First("s9_queue_socket.raw", ChannelEventKind.HangupComplete, "9dbf1cff-959f-4057-b8e6-64ba469dcdfc");

        Assert.Multiple(() =>
        {
            Assert.That(data?.Kind, Is.EqualTo(ChannelEventKind.ChannelData));
            Assert.That(data?.UniqueId, Is.EqualTo("9dbf1cff-959f-4057-b8e6-64ba469dcdfc"));
            Assert.That(data?.Queue, Is.EqualTo("sales"));
            Assert.That(data?.DestinationNumber, Is.EqualTo("74951234570"));
            Assert.That(hangup.Queue, Is.EqualTo("sales"));
        });
    }

    [Test]
    public void Background_job_reads_the_originate_result_and_its_variables()
    {
        ChannelEvent e = First("s13_click_to_call_rep_no_answer.raw", ChannelEventKind.BackgroundJob);

        Assert.Multiple(() =>
        {
            Assert.That(e.UniqueId, Is.Null);
            Assert.That(e.JobUuid, Is.EqualTo("b6c3a6f6-a452-4603-9c34-72588102070d"));
            Assert.That(e.JobCommand, Is.EqualTo("originate"));
            Assert.That(e.JobResult, Is.EqualTo("-ERR NO_ANSWER"));
            Assert.That(e.OriginationUuid, Is.EqualTo("265c8fd9-aba3-4de7-a09b-05a9f14aa6b3"));
            Assert.That(e.BitrixCallId, Is.EqualTo("externalCall.0123456789abcdef0123456789abcdef.1795490000"));
        });
    }

    [TestCase("{a=1,origination_uuid=abc,b=2}user/1001", "abc")]
    [TestCase("{origination_uuid=abc}user/1001", "abc")]
    [TestCase("user/1001 &park", null)]
    [TestCase("{a=1}user/1001,origination_uuid=abc", null)]
    public void Originate_variables_are_read_from_the_leading_block(string arg, string? expected)
    {
        Assert.That(ChannelEventFactory.OriginateVariable(arg, "origination_uuid"), Is.EqualTo(expected));
    }

    [Test]
    public void Events_the_call_logic_does_not_use_are_dropped()
    {
        var kept = new HashSet<string>();
        var dropped = new HashSet<string>();
        ForEachEvent("s1_inbound_answered.raw", pooled: false, e =>
            (ChannelEventFactory.From(e) is null ? dropped : kept).Add(e.EventName!));

        Assert.Multiple(() =>
        {
            Assert.That(dropped, Does.Contain("CHANNEL_STATE").And.Contain("CHANNEL_CALLSTATE")
                .And.Contain("CHANNEL_DESTROY").And.Contain("CODEC").And.Contain("CALL_UPDATE"));
            Assert.That(kept, Is.EquivalentTo(new[]
            {
                "CHANNEL_CREATE", "CHANNEL_PROGRESS", "CHANNEL_PROGRESS_MEDIA", "CHANNEL_ANSWER", "CHANNEL_BRIDGE",
                "CHANNEL_UNBRIDGE", "CHANNEL_HANGUP", "CHANNEL_HANGUP_COMPLETE", "RECORD_START", "RECORD_STOP",
            }));
        });
    }

    [Test]
    public void The_view_owns_its_data_after_a_pooled_frame_is_returned()
    {
        var views = new List<ChannelEvent>();
        ForEachEvent("s1_inbound_answered.raw", pooled: true, e =>
        {
            if (ChannelEventFactory.From(e) is { } view)
            {
                views.Add(view);
            }
        });

        Assert.That(views, Is.EqualTo(Captures.Events("s1_inbound_answered.raw")));
    }

    private static void ForEachEvent(string file, bool pooled, Action<EslEvent> action)
    {
        var seq = new ReadOnlySequence<byte>(File.ReadAllBytes(Fixtures.Scenario(file)));
        while (EslFrameParser.TryReadFrame(ref seq, EslParserOptions.Default, out EslFrame? frame, pooled))
        {
            using (frame)
            {
                if (frame.IsEvent)
                {
                    action(frame.Event);
                }
            }
        }
    }
}
