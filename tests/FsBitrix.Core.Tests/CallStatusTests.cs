using System.Text.Json;
using FsBitrix.Core.Calls;
using FsBitrix.Core.Status;

namespace FsBitrix.Core.Tests;

/// <summary>A finish's status is an outcome in Core's words, stored as the code the outbox always stored.</summary>
public class CallStatusTests
{
    [Test]
    public void A_finish_is_stored_with_its_code_as_before()
    {
        var finish = new FinishCall("k", "externalCall.1", "1001", 4, CallStatus.Canceled, "gave up");

        string json = JsonSerializer.Serialize(finish);

        Assert.That(json, Does.Contain("\"StatusCode\":\"603-S\""));
        Assert.That(JsonSerializer.Deserialize<FinishCall>(json), Is.EqualTo(finish));
    }

    [Test]
    public void A_finish_an_older_version_queued_reads_back_with_its_status()
    {
        const string older = """{"CallKey":"k","BitrixCallId":null,"UserPhoneInner":"1001","Duration":0,"StatusCode":"304","FailedReason":"Missed","UserId":null,"Estimated":false}""";

        Assert.That(JsonSerializer.Deserialize<FinishCall>(older)!.Status, Is.EqualTo(CallStatus.Missed));
    }

    [Test]
    public void Every_status_has_its_own_code_and_reads_back()
    {
        string[] codes = [.. Enum.GetValues<CallStatus>().Select(CallStatusCodes.Of)];

        Assert.That(codes, Is.Unique);
        Assert.That(codes.Select(CallStatusCodes.Parse), Is.EqualTo(Enum.GetValues<CallStatus>().Cast<CallStatus?>()));
        Assert.That(CallStatusCodes.Parse("487"), Is.Null, "a SIP code with no status of its own");
    }

    [Test]
    public void An_unknown_stored_status_is_an_error_not_a_guess() =>
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<FinishCall>("""{"CallKey":"k","Duration":0,"StatusCode":"999","FailedReason":""}"""));
}
