using System.Text;
using FsBitrix.Calls;
using FsBitrix.Sandbox.State;
using FsBitrix.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace FsBitrix.Tests.Cdr;

/// <summary>
/// #17's bar: the service stopped at a random moment of a call (ringing, talk, after the end) and started again at a
/// random later one, the events between lost, FreeSWITCH's CDRs written meanwhile as mod_xml_cdr writes them: every
/// round ends in Bitrix24 exactly as the undisturbed call (1001, 200, 4 s ± 1), none lost, none twice. s1's capture is
/// played under the UUIDs of s1's CDRs (../shared/fixtures/cdr/s1_inbound_answered), fresh ones each round.
/// </summary>
[CancelAfter(600_000)]
public class KillRoundsTests
{
    private const int Rounds = 50;
    private const string CapturedCustomer = "86e6b4a4-da8c-496f-8001-d64d3843a17b";
    private const string CapturedRep = "9f3b587a-8612-4833-af43-6c594165361d";
    private const string CdrCustomer = "e3c8c474-2579-46e0-adf3-6247171195b9";
    private const string CdrRep = "1a5a2a2a-8b76-425e-8013-7ee3f3a3cf38";

    [Test]
    public async Task Killed_and_restarted_at_random_moments_every_call_reaches_bitrix24_once_and_right()
    {
        string folder = Path.Combine(Path.GetTempPath(), "fsbitrix-tests", "cdr-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        await using ServiceHarness h = await ServiceHarness.StartAsync(o =>
        {
            o.Cdr.Folder = folder;
            o.Cdr.GroupWait = TimeSpan.FromMilliseconds(200);
            o.Cdr.ScanInterval = TimeSpan.FromMilliseconds(100);
            o.Cdr.Horizon = TimeSpan.FromDays(3650);
            o.Cdr.GapWait = TimeSpan.FromMinutes(5); // longer than the test: every gap's finish must be corrected by its CDRs
        });
        var cdrs = Directory.EnumerateFiles(Path.Combine(CdrFixtures.Root, "s1_inbound_answered", "log"))
            .ToDictionary(f => Path.GetFileName(f).Contains(CdrCustomer, StringComparison.Ordinal) ? CdrCustomer : CdrRep, File.ReadAllText);
        var random = new Random(17);
        var moments = new List<string>();

        for (int round = 0; round < Rounds; round++)
        {
            string customer = Guid.NewGuid().ToString(), rep = Guid.NewGuid().ToString();
            (List<byte[]> frames, _) = CaptureFreeSwitch.Prepare(Fixtures.Bytes("scenarios/s1_inbound_answered.raw"), h.FreeSwitch.RecordingsFolder,
                new Dictionary<string, string> { [CapturedCustomer] = customer, [CapturedRep] = rep });
            // The recording FreeSWITCH wrote: without it each attach would wait Recordings:MaxWait for a file that never comes.
            await File.WriteAllBytesAsync(Path.Combine(h.FreeSwitch.RecordingsFolder, customer + ".wav"), Wav.Silence(TimeSpan.FromMilliseconds(200)));
            int killed = random.Next(1, frames.Count);
            int back = random.Next(killed, frames.Count + 1);
            string moment = $"round {round}: stopped after event {killed} of {frames.Count}, back at {back}";
            moments.Add(moment);
            // The CDRs name the recording where this machine's FreeSWITCH wrote it, as the replayed events do.
            string Fresh(string xml) => xml.Replace(CdrCustomer, customer, StringComparison.Ordinal).Replace(CdrRep, rep, StringComparison.Ordinal)
                .Replace("/usr/local/fs/rec/", h.FreeSwitch.RecordingsFolder, StringComparison.Ordinal);
            var legs = new Dictionary<string, (string Uuid, string Cdr)>
            {
                [customer] = (customer, Fresh(cdrs[CdrCustomer])),
                [rep] = (rep, Fresh(cdrs[CdrRep])),
            };

            await h.FreeSwitch.SendAsync(frames.Take(killed));
            await h.Service!.Services.GetRequiredService<CallTracker>().FlushAsync();
            await h.StopServiceAsync();

            // While FsBitrix is down the call goes on: what `show channels` lists when it is back, and the CDRs
            // mod_xml_cdr wrote for the legs that ended meanwhile.
            h.FreeSwitch.LiveChannels.Clear();
            foreach (string uuid in legs.Keys.Where(u => Created(frames, u, back) && !Ended(frames, u, back)))
            {
                h.FreeSwitch.LiveChannels[uuid] = true;
            }

            foreach (string uuid in legs.Keys.Where(u => Ended(frames, u, back)))
            {
                WriteCdr(folder, legs[uuid].Cdr, uuid);
            }

            await h.StartServiceAsync();
            await h.FreeSwitch.SendAsync(frames.Skip(back));
            foreach (string uuid in legs.Keys.Where(u => !Ended(frames, u, back)))
            {
                WriteCdr(folder, legs[uuid].Cdr, uuid);
            }

            await h.Portal.WaitForAsync(s => s.FinishedCalls.Count == round + 1, ServiceHarness.Patience);
            SandboxFinishedCall call = h.Portal.State.FinishedCalls[round];
            Assert.That((call.UserId, call.StatusCode), Is.EqualTo((2, "200")), moment);
            Assert.That(call.Duration, Is.InRange(3, 5), moment);
        }

        // A request in flight when the service stopped may have run: after the restart a register goes again (Bitrix24
        // answers the same EXTERNAL_CALL_ID with the same call) and a finish is asked again only as an ambiguous one
        // (Bitrix24 answers "Call is not found": nothing changes). What counts is what the portal has.
        await h.SettledAsync();
        Assert.That(h.Portal.State.FinishedCalls.Select(c => c.CallId).Distinct().Count(), Is.EqualTo(Rounds), "none lost, none twice");
        Assert.That(h.Portal.State.LiveCalls, Is.Empty, "no call left open in the CRM");
        Assert.That(h.Portal.State.Requests.Count(r => r.Method == "telephony.externalcall.finish" && r.Status == 200), Is.EqualTo(Rounds),
            "one finish per call took effect");
        TestContext.Out.WriteLine($"{Rounds} rounds, {Rounds} calls registered and finished once, each 1001 / 200 / 4 s ± 1:");
        moments.ForEach(TestContext.Out.WriteLine);
    }

    private static bool Created(List<byte[]> frames, string uuid, int before) => Index(frames, "CHANNEL_CREATE", uuid) is var i and >= 0 && i < before;

    private static bool Ended(List<byte[]> frames, string uuid, int before) =>
        Index(frames, "CHANNEL_HANGUP_COMPLETE", uuid) is var i and >= 0 && i < before;

    private static int Index(List<byte[]> frames, string eventName, string uuid) => frames.FindIndex(f =>
        Encoding.UTF8.GetString(f) is var text
        && text.Contains("\nEvent-Name: " + eventName + "\n", StringComparison.Ordinal)
        && text.Contains("\nUnique-ID: " + uuid + "\n", StringComparison.Ordinal));

    private static void WriteCdr(string folder, string xml, string uuid)
    {
        string path = Path.Combine(folder, uuid + ".cdr.xml");
        File.WriteAllText(path, xml);
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddSeconds(-2)); // as written when the leg ended, not being written now
    }
}
