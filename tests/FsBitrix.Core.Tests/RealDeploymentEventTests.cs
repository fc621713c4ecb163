using FsBitrix.Core.Events;
using FsBitrix.Core.Tests.Support;

namespace FsBitrix.Core.Tests;

/// <summary>What the factory reads of the links that real deployments' legs carry (see each notes file's "How the legs are linked").</summary>
public sealed class RealDeploymentEventTests
{
    private static ChannelEvent First(string file, ChannelEventKind kind, string uuid) =>
        Captures.Events(file).First(e => e.Kind == kind && e.UniqueId == uuid);

    [Test]
    public void A_callcenter_agent_leg_names_the_members_leg_and_the_directory_user()
    {
        ChannelEvent e = First("s19_callcenter_next_agent.raw", ChannelEventKind.Create,
            Captures.Events("s19_callcenter_next_agent.raw").First(x => x.Kind == ChannelEventKind.Create && x.CcMemberSessionUuid is not null).UniqueId!);

        Assert.Multiple(() =>
        {
            Assert.That(e.CcMemberSessionUuid, Is.EqualTo("421765b1-90d7-4f61-861e-c9b54310487b"));
            Assert.That(e.Originator, Is.Null);
            Assert.That(e.OtherLegUniqueId, Is.Null);
            Assert.That(e.DialedUser, Is.EqualTo("1001"));
            Assert.That(e.DialedDomain, Is.EqualTo("lab.example"));
            Assert.That(e.PresenceId, Is.EqualTo("1001@lab.example"));
        });
    }

    [Test]
    public void The_b_half_of_a_loopback_names_its_a_half_and_the_leg_that_dialled_it()
    {
        ChannelEvent e = First("s24_followme_mobile.raw", ChannelEventKind.Create, "5b25f0f9-7e7f-4083-91fb-55c0da7ae7f0");

        Assert.Multiple(() =>
        {
            Assert.That(e.LoopbackLeg, Is.EqualTo("B"));
            Assert.That(e.OtherLoopbackLegUuid, Is.EqualTo("170137c6-a029-4a5b-a982-ede03cab30c2"));
            Assert.That(e.OtherLoopbackFromUuid, Is.EqualTo("a4874ae9-b5ad-416f-8c0d-99b06f4dd57e"));
            Assert.That(e.DialedExtension, Is.EqualTo("1001"));
            Assert.That(e.Originator, Is.Null);
        });
    }

    [Test]
    public void A_bridge_tells_when_each_leg_was_created_and_the_other_legs_own_number()
    {
        ChannelEvent e = First("s23_pickup.raw", ChannelEventKind.Bridge, "21ed1058-e7ea-437c-be04-111eeed3b21a");

        Assert.Multiple(() =>
        {
            Assert.That(e.OtherLegUniqueId, Is.EqualTo("1bb984fb-8e9c-4152-8939-77ca6c23fa4e"));
            Assert.That(e.OtherLegOrigCallerIdNumber, Is.EqualTo("1002"));
            Assert.That(e.CreatedAt, Is.EqualTo(DateTimeOffset.UnixEpoch.AddTicks(1796658070094294L * 10)));
            Assert.That(e.OtherLegCreatedAt, Is.EqualTo(DateTimeOffset.UnixEpoch.AddTicks(1796658073154290L * 10)));
        });
    }

    [Test]
    public void A_left_voicemail_message_names_its_file_and_mailbox_and_ends_on_the_hangup_too()
    {
        const string message = "/usr/local/fs/run/storage/voicemail/default/lab.example/1001/msg_8855d12a-519f-403d-b3d4-4cc95d59b565.wav";
        IReadOnlyList<ChannelEvent> events = Captures.Events("s22_voicemail.raw");
        ChannelEvent left = events.Single(e => e.Kind == ChannelEventKind.VoicemailMessage);
        ChannelEvent hangup = First("s22_voicemail.raw", ChannelEventKind.HangupComplete, "e5f3d8fa-e465-4bc7-8e97-24553e6bf117");

        Assert.Multiple(() =>
        {
            Assert.That(left.UniqueId, Is.EqualTo("e5f3d8fa-e465-4bc7-8e97-24553e6bf117"));
            Assert.That(left.VoicemailFilePath, Is.EqualTo(message));
            Assert.That(left.VoicemailAccount, Is.EqualTo("1001"));
            Assert.That(hangup.VoicemailFilePath, Is.EqualTo(message));
            Assert.That(hangup.VoicemailAccount, Is.EqualTo("1001"));
        });
    }
}
