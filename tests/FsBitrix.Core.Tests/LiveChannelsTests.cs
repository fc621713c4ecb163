using System.Buffers;
using FsBitrix.Core.Reconciliation;
using FsBitrix.Core.Tests.Support;
using FsBitrix.Esl.Protocol;

namespace FsBitrix.Core.Tests;

/// <summary><c>api show channels as json</c>, as a real FreeSWITCH answered it.</summary>
public sealed class LiveChannelsTests
{
    /// <summary>The bodies of a capture's api/response frames, in order.</summary>
    private static List<string> ApiBodies(string fileName)
    {
        var bodies = new List<string>();
        foreach (EslCapturedFrame frame in EslCapture.Read(File.ReadAllBytes(Fixtures.Protocol(fileName))))
        {
            if (frame.ContentType == "api/response")
            {
                bodies.Add(frame.BodyText);
            }
        }

        return bodies;
    }

    [Test]
    public void The_real_answer_gives_the_uuid_of_each_live_channel()
    {
        string json = ApiBodies("inbound_api_show_channels_json.raw")[0];

        Assert.That(LiveChannels.TryParse(json, out IReadOnlySet<string> uuids), Is.True);
        Assert.That(uuids, Is.EquivalentTo(new[] { "1e7a0f8c-c990-48b2-96f8-ad73b46a7d6c", "216b4ff5-4eb2-47f6-8e50-b28c7baa8bbd" }));
    }

    [Test]
    public void The_real_answer_says_which_channels_are_answered_by_their_callstate()
    {
        string json = ApiBodies("inbound_api_show_channels_json.raw")[0];

        Assert.That(LiveChannels.TryParse(json, out _, out IReadOnlySet<string> answered), Is.True);
        Assert.That(answered, Is.EquivalentTo(new[] { "1e7a0f8c-c990-48b2-96f8-ad73b46a7d6c", "216b4ff5-4eb2-47f6-8e50-b28c7baa8bbd" }),
            "both loopback halves are ACTIVE in the capture");
    }

    [TestCase("RINGING", false)]
    [TestCase("EARLY", false)]
    [TestCase("DOWN", false)]
    [TestCase("RING_WAIT", false)]
    [TestCase("ACTIVE", true)]
    [TestCase("HELD", true)]
    [TestCase("UNHELD", true)]
    public void A_channel_counts_as_answered_only_in_an_answered_callstate(string callstate, bool answered)
    {
        string json = $$"""{"row_count":1,"rows":[{"uuid":"u1","callstate":"{{callstate}}"}]}""";

        Assert.That(LiveChannels.TryParse(json, out IReadOnlySet<string> uuids, out IReadOnlySet<string> up), Is.True);
        Assert.That((uuids.Contains("u1"), up.Contains("u1")), Is.EqualTo((true, answered)));
    }

    [Test]
    public void The_real_empty_answer_has_no_rows_and_means_nothing_is_up()
    {
        string json = ApiBodies("inbound_api_show_channels_json_empty.raw").Single();
        Assert.That(json, Does.Not.Contain("rows"));

        Assert.That(LiveChannels.TryParse(json, out IReadOnlySet<string> uuids), Is.True);
        Assert.That(uuids, Is.Empty);
    }

    [Test]
    public void The_plain_csv_answer_of_show_channels_is_refused()
    {
        string csv = ApiBodies("inbound_api_show_channels_json.raw")[1];
        Assert.That(csv, Does.StartWith("uuid,direction"));

        Assert.That(LiveChannels.TryParse(csv, out IReadOnlySet<string> uuids), Is.False);
        Assert.That(uuids, Is.Empty);
    }

    // Each of these misread as "no channels" would finish every call in progress.
    [TestCase("")]
    [TestCase("-ERR no reply\n")]
    [TestCase("{\"row_count\":2,\"rows\":[{\"uuid\":\"a\"}]}")]
    [TestCase("{\"row_count\":1}")]
    [TestCase("{\"row_count\":1,\"rows\":[{\"name\":\"x\"}]}")]
    [TestCase("{\"row_count\":1,\"rows\":[{\"uuid\":7}]}")]
    [TestCase("{\"rows\":[]}")]
    [TestCase("{\"row_count\":2,\"rows\":[{\"uuid\":\"a\"},")]
    [TestCase("[]")]
    public void Anything_but_a_whole_answer_is_refused(string body)
    {
        Assert.That(LiveChannels.TryParse(body, out IReadOnlySet<string> uuids), Is.False);
        Assert.That(uuids, Is.Empty);
    }
}
