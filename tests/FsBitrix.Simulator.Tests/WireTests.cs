using FsBitrix.Simulator.Flows;
using FsBitrix.Simulator.Wire;

namespace FsBitrix.Simulator.Tests;

public sealed class WireTests
{
    [TestCase("+79161234567", "%2B79161234567")]
    [TestCase("2026-11-24 04:55:14", "2026-11-24%2004%3A55%3A14")]
    [TestCase("sofia/loopback/1001@127.0.0.1:5071", "sofia/loopback/1001%40127.0.0.1%3A5071")]
    [TestCase("%(2000,4000,440,480)", "%25(2000,4000,440,480)")]
    [TestCase("already %41 encoded", "already%20%41%20encoded")]
    [TestCase("Иван", "%D0%98%D0%B2%D0%B0%D0%BD")]
    public void Plain_values_are_encoded_as_switch_url_encode_does(string value, string expected)
    {
        Assert.That(FsUrlEncoding.Encode(value), Is.EqualTo(expected));
    }

    [Test]
    public void An_event_with_a_body_carries_its_own_content_length_in_bytes_after_the_headers()
    {
        SimEvent e = new SimEvent().Add("Event-Name", "BACKGROUND_JOB").Add("Job-Command-Arg", "loopback/9996/default &park()").Add("Empty", string.Empty)
            .WithBody("-ERR USER_BUSY\n");

        Assert.That(e.ToPlain(), Is.EqualTo(
            "Event-Name: BACKGROUND_JOB\nJob-Command-Arg: loopback/9996/default%20%26park()\nEmpty: _undef_\nContent-Length: 15\n\n-ERR USER_BUSY\n"));
        Assert.That(e.ToJson(), Is.EqualTo(
            "{\"Event-Name\":\"BACKGROUND_JOB\",\"Job-Command-Arg\":\"loopback/9996/default &park()\",\"Empty\":\"\",\"Content-Length\":\"15\",\"_body\":\"-ERR USER_BUSY\\n\"}"));
    }

    [Test]
    public void Event_frames_start_with_the_byte_length()
    {
        byte[] frame = Frames.Event("Event-Name: X\nCaller-Caller-ID-Name: Иван\n\n", "plain");

        Assert.That(System.Text.Encoding.UTF8.GetString(frame), Does.StartWith("Content-Length: 47\nContent-Type: text/event-plain\n\n"));
    }

    [Test]
    public void The_click_to_call_originate_of_s12_is_understood()
    {
        Originate o = Originate.Parse("{origination_uuid=4235f4ce-24a0-4416-a7ab-3dc9a99dab3c,origination_caller_id_number=+79161234567,bitrix_call_id=externalCall.1}"
            + "sofia/loopback/1001@127.0.0.1:5071 &bridge({origination_caller_id_number=74951234567}sofia/loopback/89161234567@127.0.0.1:5080)")!;

        Assert.That(o.RepNumber, Is.EqualTo("1001"));
        Assert.That(o.ClientNumber, Is.EqualTo("89161234567"));
        Assert.That(o.Variable("bitrix_call_id"), Is.EqualTo("externalCall.1"));
        Assert.That(o.ClientVariables.Single().Value, Is.EqualTo("74951234567"));
        Assert.That(Originate.Parse("user/1002 &park()")!.ClientNumber, Is.Null);
    }
}
