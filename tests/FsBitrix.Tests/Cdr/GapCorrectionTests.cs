using FsBitrix.Outbox;
using FsBitrix.Sandbox.State;
using FsBitrix.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace FsBitrix.Tests.Cdr;

/// <summary>
/// A call seen live whose end fell in a gap (here the socket cut while the rep talked) is finished with a guess; with
/// CDRs read, that finish waits for the call's CDRs and goes with their talk time, status and user. The live events
/// are s1's capture under the UUIDs of s1's CDRs (../shared/fixtures/cdr/s1_inbound_answered: 4 s of talk).
/// </summary>
[CancelAfter(60_000)]
public class GapCorrectionTests
{
    private const string Customer = "e3c8c474-2579-46e0-adf3-6247171195b9";
    private const string Rep = "1a5a2a2a-8b76-425e-8013-7ee3f3a3cf38";

    [Test]
    public async Task A_call_that_ended_while_the_socket_was_cut_is_finished_with_its_cdrs_true_talk_time()
    {
        string folder = EmptyFolder();
        await using ServiceHarness h = await ServiceHarness.StartAsync(o => Configure(o, folder, gapWait: TimeSpan.FromMinutes(5)));
        IOutboxStore store = h.Service!.Services.GetRequiredService<IOutboxStore>();
        await TalkThenCutAsync(h);

        // Its end was not seen: the finish waits for the CDRs instead of going with a guess.
        await h.WaitUntilAsync(() => store.FinishPendingAsync(Customer));
        Assert.That(h.Portal.State.RequestCount("telephony.externalcall.finish"), Is.Zero);

        WriteS1Cdrs(folder);

        await h.Portal.WaitForAsync(s => s.FinishedCalls.Count == 1, ServiceHarness.Patience);
        SandboxFinishedCall call = h.Portal.State.FinishedCalls.Single();
        Assert.That((call.UserId, call.StatusCode, call.Duration), Is.EqualTo((2, "200", 4)), "1001 talked 4 s, as the CDRs say");
        // The importer notes the outcome once the correction is written: the finish it released may reach the portal first.
        FsBitrix.Cdr.ICdrInbox inbox = h.Service.Services.GetRequiredService<FsBitrix.Cdr.ICdrInbox>();
        await CdrFixtures.LookedUntilAsync(h, () => inbox.Outcome(Customer) == "corrected");
        Assert.That(h.Portal.State.RequestCount("telephony.externalcall.register"), Is.EqualTo(1), "seen live: not imported again");
        Assert.That(h.Portal.State.RequestCount("telephony.externalcall.finish"), Is.EqualTo(1));
    }

    [Test]
    public async Task A_recording_started_while_the_socket_was_cut_is_attached_from_the_cdrs()
    {
        string folder = EmptyFolder();
        await using ServiceHarness h = await ServiceHarness.StartAsync(o => Configure(o, folder, gapWait: TimeSpan.FromMinutes(5)));
        IOutboxStore store = h.Service!.Services.GetRequiredService<IOutboxStore>();

        // Only the customer's CHANNEL_CREATE is seen: the socket drops before the dialplan starts recording.
        (List<byte[]> frames, _) = CaptureFreeSwitch.Prepare(Fixtures.Bytes("scenarios/s1_inbound_answered.raw"), h.FreeSwitch.RecordingsFolder,
            new Dictionary<string, string> { ["86e6b4a4-da8c-496f-8001-d64d3843a17b"] = Customer, ["9f3b587a-8612-4833-af43-6c594165361d"] = Rep });
        var replay = new Replay(frames, []);
        await h.FreeSwitch.SendAsync(replay.Before(replay.IndexOf("CHANNEL_CREATE") + 1));
        await h.Portal.WaitForAsync(s => s.LiveCalls.Count == 1, ServiceHarness.Patience);
        h.FreeSwitch.DropAll();
        await h.WaitUntilAsync(() => store.FinishPendingAsync(Customer));
        WriteS1Cdrs(folder, h.FreeSwitch.RecordingsFolder);

        await h.Portal.WaitForAsync(s => s.FinishedCalls.Count == 1 && s.FinishedCalls[0].Recording is not null, ServiceHarness.Patience);
        SandboxFinishedCall call = h.Portal.State.FinishedCalls.Single();
        Assert.That((call.StatusCode, call.Duration), Is.EqualTo(("200", 4)));
        Assert.That(call.Recording!.FileName, Does.EndWith(".mp3"), "the CDR's record_session path (encoded), attached after the corrected finish");
    }

    [Test]
    public async Task Without_cdrs_the_guessed_finish_goes_after_the_wait()
    {
        await using ServiceHarness h = await ServiceHarness.StartAsync(o => Configure(o, EmptyFolder(), gapWait: TimeSpan.FromMilliseconds(500)));
        await TalkThenCutAsync(h);

        await h.Portal.WaitForAsync(s => s.FinishedCalls.Count == 1, ServiceHarness.Patience);
        Assert.That(h.Portal.State.FinishedCalls.Single().StatusCode, Is.EqualTo("200"), "answered before the gap");
    }

    // s1 up to the bridge (the rep talks, the card shown), then the socket drops and the call hangs up meanwhile.
    private static async Task TalkThenCutAsync(ServiceHarness h)
    {
        (List<byte[]> frames, _) = CaptureFreeSwitch.Prepare(Fixtures.Bytes("scenarios/s1_inbound_answered.raw"), h.FreeSwitch.RecordingsFolder,
            new Dictionary<string, string> { ["86e6b4a4-da8c-496f-8001-d64d3843a17b"] = Customer, ["9f3b587a-8612-4833-af43-6c594165361d"] = Rep });
        await h.RingThenTalkAsync(new Replay(frames, []));
        h.FreeSwitch.DropAll();
    }

    // s1's CDRs into the watched folder, written as the legs ended, a moment ago; with a recordings folder, their
    // record_session path is moved there (as this machine's FreeSWITCH would have written it) and the file written.
    private static void WriteS1Cdrs(string folder, string? recordings = null)
    {
        foreach (string file in Directory.EnumerateFiles(Path.Combine(CdrFixtures.Root, "s1_inbound_answered", "log")))
        {
            string copy = Path.Combine(folder, Path.GetFileName(file));
            string xml = File.ReadAllText(file);
            File.WriteAllText(copy, recordings is null ? xml : xml.Replace("/usr/local/fs/rec/", recordings.TrimEnd('/') + "/", StringComparison.Ordinal));
            File.SetLastWriteTimeUtc(copy, DateTime.UtcNow.AddSeconds(-5));
        }

        if (recordings is not null)
        {
            File.WriteAllBytes(Path.Combine(recordings, Customer + ".wav"), Wav.Silence(TimeSpan.FromMilliseconds(200)));
        }
    }

    private static void Configure(Configuration.FsBitrixOptions o, string folder, TimeSpan gapWait)
    {
        o.Cdr.Folder = folder;
        o.Cdr.GroupWait = TimeSpan.FromMilliseconds(200);
        o.Cdr.ScanInterval = TimeSpan.FromMilliseconds(100);
        o.Cdr.Horizon = TimeSpan.FromDays(3650);
        o.Cdr.GapWait = gapWait;
    }

    private static string EmptyFolder()
    {
        string folder = Path.Combine(Path.GetTempPath(), "fsbitrix-tests", "cdr-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        return folder;
    }
}
