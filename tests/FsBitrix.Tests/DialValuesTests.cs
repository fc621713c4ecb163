using System.Text;
using FsBitrix.ClickToCall;
using FsBitrix.Configuration;

namespace FsBitrix.Tests;

/// <summary>What may reach an originate command line, and how a Bitrix24 event body is read.</summary>
public class DialValuesTests
{
    [TestCase("+7 (916) 123-45-67", "+79161234567")]
    [TestCase("89161234567", "89161234567")]
    [TestCase("+7 916 123.45.67", "+79161234567")]
    public void Numbers_people_type_are_dialled_as_digits(string typed, string dialled) =>
        Assert.That(DialValues.ClientNumber(typed), Is.EqualTo(dialled));

    [TestCase("+79161234567,user/1002")]
    [TestCase("+79161234567)&park(")]
    [TestCase("+79161234567\napi hupall")]
    [TestCase("+79161234567 &park")]
    [TestCase("+7916|1234567")]
    [TestCase("{x=y}79161234567")]
    [TestCase("+7 916 123-45-67 ext. 12")]
    [TestCase("12")]
    public void Anything_else_in_a_number_is_refused(string typed) =>
        Assert.That(DialValues.ClientNumber(typed), Is.Null);

    [TestCase("1001", true)]
    [TestCase("1001,1002", false)]
    [TestCase("1001 &park", false)]
    [TestCase("1001}", false)]
    public void Extensions_must_be_plain(string extension, bool ok) =>
        Assert.That(DialValues.IsExtension(extension), Is.EqualTo(ok));

    [TestCase("Ivan Petrov", "Ivan Petrov")]
    [TestCase("Иван Петров", "Иван Петров")]
    [TestCase("Romashka, LLC {x}", "Romashka LLC x")]
    [TestCase("O'Brien\r\n&park()", "O Brien park")]
    [TestCase("   ", null)]
    public void Crm_names_keep_letters_and_lose_what_could_split_the_command(string name, string? shown) =>
        Assert.That(DialValues.DisplayName(name), Is.EqualTo(shown));

    [Test]
    public void The_originate_rings_the_rep_with_the_call_id_then_bridges_the_client()
    {
        var plan = new OriginatePlan("4235f4ce-24a0-4416-a7ab-3dc9a99dab3c", "1001", "+79161234567", "Ivan Petrov",
            "externalCall.0123456789abcdef0123456789abcdef.1795490000", "74951234567");

        string command = plan.Command(new DialSettings(), new ClickToCallSettings { RepRingSeconds = 8 });

        Assert.That(command, Is.EqualTo(
            "originate {origination_uuid=4235f4ce-24a0-4416-a7ab-3dc9a99dab3c,origination_caller_id_number=+79161234567,"
            + "origination_caller_id_name='Ivan Petrov',bitrix_call_id=externalCall.0123456789abcdef0123456789abcdef.1795490000,"
            + "ignore_early_media=true,originate_timeout=8}user/1001 "
            + "&bridge({origination_caller_id_number=74951234567,originate_timeout=60}sofia/gateway/default/+79161234567)"));
    }

    [Test]
    public void A_form_with_php_keys_reads_as_flat_fields_and_the_older_payload_is_accepted()
    {
        string body = "event=ONEXTERNALCALLSTART&data%5BPHONE_NUMBER%5D=%2BXXXXXXXXXX&data%5BUSER_ID%5D=12&data%5BLINE_NUMBER%5D="
            + "&data%5BCALL_ID%5D=externalCall.54d0d42ae705eafa02011574b5fc42.1530176441&data%5BCRM_ENTITY_TYPE%5D=LEAD"
            + "&data%5BCRM_ENTITY_ID%5D=0&ts=1530176441&auth%5Bdomain%5D=company.bitrix24.ua&auth%5Bapplication_token%5D=t";

        Assert.That(EventFields.TryParse("application/x-www-form-urlencoded; charset=utf-8", Encoding.UTF8.GetBytes(body),
            out Dictionary<string, string> fields, out string error), Is.True, error);
        Assert.That(BitrixCallEvent.TryRead(fields, out BitrixCallEvent? e, out error), Is.True, error);

        Assert.That(e!.UserId, Is.EqualTo(12));
        Assert.That(e.LineNumber, Is.Null);
        Assert.That(e.CrmEntityId, Is.Null);
        Assert.That(e.DeliveryKey, Is.EqualTo("externalCall.54d0d42ae705eafa02011574b5fc42.1530176441"));
        Assert.That(fields["auth[domain]"], Is.EqualTo("company.bitrix24.ua"));
    }

    [TestCase("text/plain", "event=x")]
    [TestCase("application/json", "[1,2]")]
    [TestCase("application/json", "{\"data\":{\"a\":{\"b\":{\"c\":{\"d\":1}}}}}")]
    [TestCase("application/x-www-form-urlencoded", "")]
    public void Unreadable_bodies_are_refused_with_a_reason(string contentType, string body)
    {
        Assert.That(EventFields.TryParse(contentType, Encoding.UTF8.GetBytes(body), out _, out string error), Is.False);
        Assert.That(error, Is.Not.Empty);
    }

    // Found by fuzzing (docs/FUZZING.md): a byte that is not UTF-8 in a JSON name or value threw from the reader,
    // a 500 from the endpoint instead of a refusal with its reason.
    [TestCase(new byte[] { 0x9E })]
    [TestCase(new byte[] { 0xCA, 0x41 })]
    [TestCase(new byte[] { 0x7F, 0xFF })]
    public void A_json_body_with_bytes_that_are_not_utf8_is_refused_with_a_reason(byte[] bad)
    {
        byte[] body = [.. "{\"event\":\"ONEXTERNALCALLSTART\",\"data\":{\"PHONE_NUMBE"u8, .. bad, .. "\":\"+7916\"}}"u8];

        Assert.That(EventFields.TryParse("application/json", body, out _, out string error), Is.False);
        Assert.That(error, Does.Contain("UTF-8"));
    }

    [Test]
    public void A_click_without_call_id_is_not_an_event_to_act_on()
    {
        var fields = new Dictionary<string, string> { ["event"] = "ONEXTERNALCALLSTART", ["data[PHONE_NUMBER]"] = "+79161234567", ["data[USER_ID]"] = "2" };

        Assert.That(BitrixCallEvent.TryRead(fields, out _, out string error), Is.False);
        Assert.That(error, Does.Contain("CALL_ID"));
    }
}
