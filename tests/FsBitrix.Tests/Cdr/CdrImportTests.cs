using System.Net;
using System.Text;
using FsBitrix.Outbox;
using FsBitrix.Sandbox.State;
using FsBitrix.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace FsBitrix.Tests.Cdr;

/// <summary>
/// Calls made while FsBitrix was not listening reach Bitrix24 from FreeSWITCH's CDRs (../shared/fixtures/cdr, real
/// mod_xml_cdr output), read from its folder or posted to <c>/cdr</c>; a call is imported once, and never when it was
/// seen live. No ESL event of these calls is ever played: the service only has the CDRs.
/// </summary>
[CancelAfter(60_000)]
public class CdrImportTests
{
    private const string Token = "cdr-token-for-the-test";

    [Test]
    public async Task A_call_made_while_the_service_was_down_is_registered_and_finished_from_the_cdr_folder()
    {
        string folder = CopyLegs("s1_inbound_answered", "log");
        await using ServiceHarness h = await StartAsync(folder: folder);

        SandboxFinishedCall call = await FinishedAsync(h);

        Assert.Multiple(() =>
        {
            Assert.That(call.Type, Is.EqualTo(2));
            Assert.That(call.PhoneNumber, Is.EqualTo("+79161234567"));
            Assert.That(call.UserId, Is.EqualTo(2), "1001 answered");
            Assert.That(call.StatusCode, Is.EqualTo("200"));
            Assert.That(call.Duration, Is.EqualTo(4));
            Assert.That(h.Portal.State.RequestCount("telephony.externalcall.register"), Is.EqualTo(1));
            Assert.That(h.Portal.State.RequestCount("telephony.externalcall.show"), Is.Zero, "no card for a call that is over");
        });
    }

    [Test]
    public async Task Cdrs_posted_by_mod_xml_cdr_are_imported_with_the_queues_agent()
    {
        await using ServiceHarness h = await StartAsync();
        using var http = new HttpClient { BaseAddress = h.EventsUrl };

        // The captured posts of s18, byte for byte: cdr=<url-encoded XML>.
        foreach (string request in Directory.EnumerateFiles(Path.Combine(Cdrs, "s18_callcenter_ring_all", "http"), "*.http").Order(StringComparer.Ordinal))
        {
            string text = await File.ReadAllTextAsync(request);
            string body = text[(text.IndexOf("\r\n\r\n", StringComparison.Ordinal) is var i and >= 0 ? i + 4 : text.IndexOf("\n\n", StringComparison.Ordinal) + 2)..];
            using var content = new StringContent(body, Encoding.ASCII, "application/x-www-form-urlencoded");
            using HttpResponseMessage response = await http.PostAsync(new Uri($"/cdr?token={Token}&uuid=x", UriKind.Relative), content);
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), request);
        }

        SandboxFinishedCall call = await FinishedAsync(h);
        Assert.That((call.UserId, call.StatusCode), Is.EqualTo((3, "200")), "1002 answered the queue");
        Assert.That(call.Duration, Is.InRange(2, 4), "talk with the agent, not the time in the queue");
    }

    [Test]
    public async Task A_call_is_imported_once_even_when_its_cdrs_come_again_after_a_restart()
    {
        string folder = CopyLegs("s1_inbound_answered", "log");
        await using ServiceHarness h = await StartAsync(folder: folder);
        await FinishedAsync(h);

        // Stopped once the outbox has the finish done, not merely once the portal has it: a finish whose answer is
        // still on its way at the stop is asked again after the restart (as ambiguous), which is not an import.
        await h.SettledAsync();
        await h.StopServiceAsync();
        await h.StartServiceAsync(o => ConfigureCdr(o, folder));
        await LookedUntilAsync(h, _ => true, looks: 2);
        await h.SettledAsync();

        Assert.That(h.Portal.State.RequestCount("telephony.externalcall.register"), Is.EqualTo(1));
        Assert.That(h.Portal.State.RequestCount("telephony.externalcall.finish"), Is.EqualTo(1));
    }

    [Test]
    public async Task A_call_seen_live_is_never_imported_from_its_cdrs()
    {
        const string customer = "e3c8c474-2579-46e0-adf3-6247171195b9";
        string folder = Path.Combine(Path.GetTempPath(), "fsbitrix-tests", "cdr-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        await using ServiceHarness h = await StartAsync(folder: folder);

        // What the call tracker writes when it followed a call live to its end: its first leg is a call of the outbox.
        await h.Service!.Services.GetRequiredService<IOutboxStore>().AppendAsync(customer, [], null, callOver: true);
        foreach (string file in Directory.EnumerateFiles(Path.Combine(Cdrs, "s1_inbound_answered", "log")))
        {
            File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        }

        await LookedUntilAsync(h, inbox => inbox.Outcome(customer) is not null);

        Assert.That(h.Service.Services.GetRequiredService<FsBitrix.Cdr.ICdrInbox>().Outcome(customer), Is.EqualTo("seen live"));
        Assert.That(h.Portal.State.Requests.Where(r => r.Method.StartsWith("telephony.", StringComparison.OrdinalIgnoreCase)), Is.Empty);
    }

    [Test]
    public async Task A_wrong_token_is_401_and_a_body_that_is_no_cdr_is_400_and_nothing_is_sent()
    {
        await using ServiceHarness h = await StartAsync();
        using var http = new HttpClient { BaseAddress = h.EventsUrl };

        using HttpResponseMessage wrong = await http.PostAsync(new Uri("/cdr?token=guess", UriKind.Relative),
            new FormUrlEncodedContent([new("cdr", await File.ReadAllTextAsync(Directory.EnumerateFiles(Path.Combine(Cdrs, "s4_missed", "log")).First()))]));
        using HttpResponseMessage broken = await http.PostAsync(new Uri($"/cdr?token={Token}", UriKind.Relative),
            new FormUrlEncodedContent([new("cdr", "<?xml version=\"1.0\"?><cdr><variables>")]));

        Assert.That(wrong.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(broken.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        string posted = Path.GetFileName(Directory.EnumerateFiles(Path.Combine(Cdrs, "s4_missed", "log")).First()).Replace("a_", string.Empty, StringComparison.Ordinal)[..36];
        Assert.That(h.Service!.Services.GetRequiredService<FsBitrix.Cdr.ICdrInbox>().Knows(posted), Is.False, "the leg posted with a wrong token was not taken");
    }

    [Test]
    public async Task A_click_to_calls_cdrs_are_never_imported_the_service_placed_it()
    {
        // s1's legs as if FsBitrix had originated them (the portal's CALL_ID on the rep's leg): a ring-all callback's
        // legs that did not answer must never finish the portal's call from their CDRs while the rest talks.
        string folder = CopyLegs("s1_inbound_answered", "log");
        foreach (string file in Directory.EnumerateFiles(folder).Where(f => !Path.GetFileName(f).StartsWith("a_", StringComparison.Ordinal)))
        {
            DateTime written = File.GetLastWriteTimeUtc(file);
            File.WriteAllText(file, File.ReadAllText(file).Replace("<variables>", "<variables><bitrix_call_id>externalCall.0123456789abcdef0123456789abcdef.1795490000</bitrix_call_id>", StringComparison.Ordinal));
            File.SetLastWriteTimeUtc(file, written); // as mod_xml_cdr left it: not a file being written now
        }

        await using ServiceHarness h = await StartAsync(folder: folder);
        await LookedUntilAsync(h, inbox => inbox.Outcome("e3c8c474-2579-46e0-adf3-6247171195b9") is not null);

        Assert.That(h.Service!.Services.GetRequiredService<FsBitrix.Cdr.ICdrInbox>().Outcome("e3c8c474-2579-46e0-adf3-6247171195b9"),
            Is.EqualTo("placed by FsBitrix"));
        Assert.That(h.Portal.State.Requests.Where(r => r.Method.StartsWith("telephony.", StringComparison.OrdinalIgnoreCase)), Is.Empty);
    }

    private static string Cdrs => CdrFixtures.Root;

    private static async Task<ServiceHarness> StartAsync(string? folder = null) =>
        await ServiceHarness.StartAsync(o => ConfigureCdr(o, folder));

    private static void ConfigureCdr(Configuration.FsBitrixOptions o, string? folder)
    {
        o.Cdr.Folder = folder;
        o.Cdr.Token = Token;
        o.Cdr.GroupWait = TimeSpan.FromMilliseconds(200);
        o.Cdr.ScanInterval = TimeSpan.FromMilliseconds(100);

        // The fixtures' calls are of 2026-12-07: whenever the tests run, they are within the horizon.
        o.Cdr.Horizon = TimeSpan.FromDays(3650);
    }

    private static string CopyLegs(string scenario, string sub) => CdrFixtures.CopyLegs(sub, written: null, scenario);

    private static async Task<SandboxFinishedCall> FinishedAsync(ServiceHarness h)
    {
        await h.Portal.WaitForAsync(s => s.FinishedCalls.Count == 1, ServiceHarness.Patience);
        return h.Portal.State.FinishedCalls.Single();
    }

    /// <summary>Waits until <paramref name="condition"/> holds after one of the importer's looks, the first look included.</summary>
    private static Task LookedUntilAsync(ServiceHarness h, Func<FsBitrix.Cdr.ICdrInbox, bool> condition, int looks = 1)
    {
        FsBitrix.Cdr.ICdrInbox inbox = h.Service!.Services.GetRequiredService<FsBitrix.Cdr.ICdrInbox>();
        return CdrFixtures.LookedUntilAsync(h, () => condition(inbox), looks);
    }
}
