using System.Text;
using FsBitrix.Esl.Protocol;
using FsBitrix.Esl.Tests.Support;

namespace FsBitrix.Esl.Tests.Protocol;

/// <summary>Every real capture parses to the same frames however the bytes are cut.</summary>
public class FixtureReplayTests
{
    // Frame counts as documented in ../shared/fixtures/esl/README.md.
    private static readonly Dictionary<string, int> DocumentedFrameCounts = new()
    {
        ["protocol/inbound_exit_disconnect.raw"] = 4,
        ["protocol/inbound_auth_fail.raw"] = 3,
        ["protocol/inbound_api_status.raw"] = 5,
        ["protocol/inbound_api_misc.raw"] = 11,
        ["protocol/inbound_api_show_channels_json_empty.raw"] = 5,
        ["protocol/inbound_api_show_channels_json.raw"] = 6,
        ["protocol/inbound_bgapi.raw"] = 11,
        ["protocol/inbound_event_filter.raw"] = 14,
        ["protocol/inbound_log.raw"] = 102,
        ["protocol/inbound_plain_call.raw"] = 63,
        ["protocol/inbound_json_call.raw"] = 65,
        ["protocol/inbound_xml_call.raw"] = 63,
        ["protocol/inbound_plain_two_calls.raw"] = 121,
        ["protocol/inbound_json_two_calls.raw"] = 121,
        ["protocol/inbound_plain_sofia_call.raw"] = 66,
        ["protocol/outbound_plain_session.raw"] = 21,
        ["protocol/outbound_json_session.raw"] = 21,
    };

    private static readonly Dictionary<string, int> DocumentedEventCounts = new()
    {
        ["protocol/inbound_plain_call.raw"] = 57,
        ["protocol/inbound_json_call.raw"] = 59,
        ["protocol/inbound_xml_call.raw"] = 57,
        ["protocol/inbound_plain_two_calls.raw"] = 114,
        ["protocol/inbound_plain_sofia_call.raw"] = 60,
    };

    public static IEnumerable<string> AllCaptures() => Fixtures.AllRaw();

    public static IEnumerable<string> DocumentedCaptures() => DocumentedFrameCounts.Keys;

    [TestCaseSource(nameof(DocumentedCaptures))]
    public void Frame_count_matches_the_fixture_notes(string capture)
    {
        List<EslFrame> frames = FrameReplay.Whole(Fixtures.Bytes(capture));

        Assert.That(frames, Has.Count.EqualTo(DocumentedFrameCounts[capture]));
        if (DocumentedEventCounts.TryGetValue(capture, out int events))
        {
            Assert.That(frames.Count(f => f.IsEvent), Is.EqualTo(events));
        }
    }

    [TestCaseSource(nameof(AllCaptures))]
    public void Whole_byte_by_byte_and_random_chunks_give_the_same_frames(string capture)
    {
        byte[] bytes = Fixtures.Bytes(capture);

        List<EslFrame> whole = FrameReplay.Whole(bytes);
        List<EslFrame> single = FrameReplay.ByteByByte(bytes);
        List<EslFrame> random = FrameReplay.Random(bytes, seed: capture.Length);

        Assert.That(whole, Is.Not.Empty);
        Assert.That(whole.Sum(f => f.Length), Is.EqualTo(bytes.Length), "every byte belongs to exactly one frame");
        Assert.That(Describe(single), Is.EqualTo(Describe(whole)));
        Assert.That(Describe(random), Is.EqualTo(Describe(whole)));
        Assert.That(whole.Select(f => f.ContentType), Has.None.EqualTo(EslContentType.Unknown));
    }

    [TestCaseSource(nameof(AllCaptures))]
    public void Every_event_has_a_name_and_as_many_events_as_the_stream_announces(string capture)
    {
        byte[] bytes = Fixtures.Bytes(capture);
        List<EslFrame> frames = FrameReplay.Whole(bytes);
        string text = Encoding.Latin1.GetString(bytes);

        foreach (string type in new[] { EslContentTypes.EventPlain, EslContentTypes.EventJson, EslContentTypes.EventXml })
        {
            int announced = CountOccurrences(text, "Content-Type: " + type + "\n");
            Assert.That(frames.Count(f => f.ContentTypeText == type), Is.EqualTo(announced), type);
        }

        Assert.That(frames.Where(f => f.IsEvent).Select(f => f.Event.EventName), Has.None.Null.And.None.Empty);
    }

    private static List<string> Describe(List<EslFrame> frames) =>
        frames.Select(f => $"{f.ContentTypeText}|{f.Length}|{Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(f.Body.Span))}").ToList();

    private static int CountOccurrences(string text, string needle)
    {
        int count = 0;
        for (int i = text.IndexOf(needle, StringComparison.Ordinal); i >= 0; i = text.IndexOf(needle, i + needle.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
