using FsBitrix.Logging;
using FsBitrix.Queues;
using FsBitrix.Tests.Queues;

namespace FsBitrix.Tests;

/// <summary>Callers' numbers are personal data: masked in the log at Information and above.</summary>
public class PersonalDataTests
{
    [TestCase("+79161234567", "+7916***4567")]
    [TestCase("79161234567", "7916***4567")]
    [TestCase("+7 (916) 123-45-67", "+7916***4567")]
    [TestCase("1234567", "12***67")]
    [TestCase("1001", "1001")]
    [TestCase("*8", "*8")]
    [TestCase("", "")]
    public void A_number_keeps_its_code_and_last_four_digits_and_an_extension_stays_whole(string number, string logged)
    {
        Assert.That(PersonalData.Mask(number), Is.EqualTo(logged));
    }

    [Test]
    public async Task A_queue_call_s_log_shows_the_caller_masked_and_never_whole()
    {
        string log = Path.Combine(Path.GetTempPath(), "fsbitrix-tests", Guid.NewGuid().ToString("N") + ".log");
        QueueHarness h = await QueueHarness.StartAsync(new QueueSettings { Agents = ["1001", "1002"], ResponsibleFirstSeconds = 0 }, logFile: log);
        try
        {
            await using FakeSocketCall call = await h.CallAsync();
            await RingAllQueueTests.RingAllAnsweredBy1002Async(h, call, 2);
        }
        finally
        {
            // The service's logger is flushed and closed with it.
            await h.DisposeAsync();
        }

        string text;
        using (var reader = new StreamReader(new FileStream(log, FileMode.Open, FileAccess.Read, FileShare.ReadWrite)))
        {
            text = await reader.ReadToEndAsync();
        }

        Assert.That(text, Does.Contain("entered queue sales").And.Contain("+7916***4567"), "the queue logged its caller, masked");
        Assert.That(text, Does.Not.Contain("9161234567"), "the caller's whole number appears nowhere at Information and above");
    }
}
