using System.Diagnostics;
using FsBitrix.Recordings;
using FsBitrix.Sandbox.State;
using FsBitrix.Tests.Support;

namespace FsBitrix.Tests;

/// <summary>
/// Recordings reach Bitrix24 as MP3 (Debian's ffmpeg, installed by .ci/run): a fraction of the WAV's size, as long as
/// it, and never at the cost of the recording — without an encoder, or for a file it cannot read, the WAV goes.
/// </summary>
[CancelAfter(60_000)]
public class Mp3RecordingTests
{
    private static readonly TimeSpan S1Talk = TimeSpan.FromSeconds(4);

    [Test]
    public async Task The_s1_recording_reaches_Bitrix24_as_an_mp3_a_fifth_of_the_wav_and_as_long()
    {
        await using ServiceHarness h = await ServiceHarness.StartAsync();
        Replay replay = await h.PrepareAsync("s1_inbound_answered.raw");
        byte[] wav = Wav.Voice(S1Talk);
        WriteRecordings(h, wav);

        await h.FreeSwitch.SendAsync(replay.Frames);
        await h.Portal.WaitForAsync(s => s.FinishedCalls.Count == 1 && s.FinishedCalls[0].Recording is not null, ServiceHarness.Patience);
        await h.SettledAsync();

        SandboxRecording recording = h.Portal.State.FinishedCalls.Single().Recording!;
        Assert.That(recording.FileName, Does.EndWith(".mp3").And.Not.Contain("/"));
        Assert.That(wav.Length / (double)recording.Content.Length, Is.GreaterThanOrEqualTo(5), $"WAV {wav.Length} bytes, MP3 {recording.Content.Length}");
        Assert.That(DecodedSeconds(recording.Content), Is.EqualTo(S1Talk.TotalSeconds).Within(0.1));
        string mp3Folder = Path.Combine(h.Folder, "mp3");
        Assert.That(Directory.Exists(mp3Folder) ? Directory.EnumerateFiles(mp3Folder, "*", SearchOption.AllDirectories) : [], Is.Empty,
            "the uploaded MP3 is deleted once Bitrix24 has it");
    }

    [Test]
    public async Task Without_the_encoder_recordings_go_as_wav_and_the_log_says_so_once()
    {
        string log = Path.Combine(Path.GetTempPath(), "fsbitrix-tests", Guid.NewGuid().ToString("N") + ".log");
        ServiceHarness h = await ServiceHarness.StartAsync(o => o.Recordings.Encoder = "/nonexistent/ffmpeg", logFile: log);
        try
        {
            await h.PlayAsync("s1_inbound_answered.raw");
            await h.Portal.WaitForAsync(s => s.FinishedCalls.Count == 1 && s.FinishedCalls[0].Recording is not null, ServiceHarness.Patience);
            await h.PlayAsync("s1_inbound_answered.raw");
            await h.Portal.WaitForAsync(s => s.FinishedCalls.Count == 2 && s.FinishedCalls.All(c => c.Recording is not null), ServiceHarness.Patience);

            Assert.That(h.Portal.State.FinishedCalls.Select(c => c.Recording!.FileName), Has.All.EndWith(".wav"));
            Assert.That(h.Portal.State.FinishedCalls.Select(c => c.Recording!.Content.Take(4)), Has.All.EqualTo("RIFF"u8.ToArray()));
        }
        finally
        {
            await h.DisposeAsync();
        }

        string text = await ReadSharedAsync(log);
        Assert.That(CountOf(text, "Recordings go to Bitrix24 as WAV"), Is.EqualTo(1), "one warning, not one per call");
        Assert.That(text, Does.Contain("/nonexistent/ffmpeg"));
    }

    [Test]
    public async Task A_recording_ffmpeg_cannot_read_is_sent_as_it_is()
    {
        await using ServiceHarness h = await ServiceHarness.StartAsync();
        Replay replay = await h.PrepareAsync("s1_inbound_answered.raw");
        byte[] broken = [.. "RIFF"u8.ToArray(), .. Enumerable.Repeat((byte)0x5A, 4000)];
        WriteRecordings(h, broken);

        await h.FreeSwitch.SendAsync(replay.Frames);
        await h.Portal.WaitForAsync(s => s.FinishedCalls.Count == 1 && s.FinishedCalls[0].Recording is not null, ServiceHarness.Patience);

        SandboxRecording recording = h.Portal.State.FinishedCalls.Single().Recording!;
        Assert.That(recording.FileName, Does.EndWith(".wav"));
        Assert.That(recording.Content, Is.EqualTo(broken), "what FreeSWITCH wrote, byte for byte");
    }

    [Test]
    public async Task Format_wav_keeps_recordings_as_freeswitch_wrote_them()
    {
        await using ServiceHarness h = await ServiceHarness.StartAsync(o => o.Recordings.Format = "wav");
        await h.PlayAsync("s1_inbound_answered.raw");
        await h.Portal.WaitForAsync(s => s.FinishedCalls.Count == 1 && s.FinishedCalls[0].Recording is not null, ServiceHarness.Patience);

        Assert.That(h.Portal.State.FinishedCalls.Single().Recording!.FileName, Does.EndWith(".wav"));
    }

    [Test]
    public async Task A_stereo_recording_keeps_both_channels_at_twice_the_bit_rate()
    {
        string folder = Directory.CreateTempSubdirectory("fsbitrix-mp3-").FullName;
        try
        {
            string wav = Path.Combine(folder, "stereo.wav");
            await File.WriteAllBytesAsync(wav, Wav.Voice(TimeSpan.FromSeconds(10), channels: 2));
            (string? ffmpeg, string? problem) = await Mp3Encoder.FindAsync("ffmpeg", CancellationToken.None);
            Assert.That(ffmpeg, Is.Not.Null, problem);
            var encoder = new Mp3Encoder(ffmpeg!, 1, 16, TimeSpan.FromMinutes(1));

            await encoder.EncodeAsync(wav, Path.Combine(folder, "stereo.mp3"), CancellationToken.None);

            byte[] mp3 = await File.ReadAllBytesAsync(Path.Combine(folder, "stereo.mp3"));
            Assert.That(Mp3Encoder.ChannelsOf(wav), Is.EqualTo(2));
            Assert.That(Run("ffprobe", "-v error -show_entries stream=channels,bit_rate -of csv=p=0 " + Path.Combine(folder, "stereo.mp3")).Trim(),
                Is.EqualTo("2,32000"));
            Assert.That(DecodedSeconds(mp3), Is.EqualTo(10).Within(0.1));
            Assert.That(Directory.GetFiles(folder), Is.EquivalentTo(new[] { wav, Path.Combine(folder, "stereo.mp3") }), "no partial file left");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Test]
    public async Task While_its_mp3_is_being_made_a_recording_waits_and_then_goes_without_holding_anyone()
    {
        string folder = Directory.CreateTempSubdirectory("fsbitrix-mp3-").FullName;
        try
        {
            string wav = Path.Combine(folder, "call.wav");
            await File.WriteAllBytesAsync(wav, Wav.Voice(TimeSpan.FromSeconds(1)));
            var encoderFound = new TaskCompletionSource<Mp3Encoder?>(TaskCreationOptions.RunContinuationsAsynchronously);
            using var encoder = new RecordingEncoder(_ => encoderFound.Task, Path.Combine(folder, "mp3"), TimeProvider.System,
                TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(50), TimeSpan.FromDays(1),
                Microsoft.Extensions.Logging.Abstractions.NullLogger<RecordingEncoder>.Instance);
            var source = new Mp3RecordingSource(encoder, null,
                new UploadRecordingSource(TimeProvider.System, TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(50)));

            PreparedRecording first = await source.PrepareAsync("externalCall.1", wav, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(2));
            encoderFound.SetResult(null);
            await encoder.Start(wav).WaitAsync(TimeSpan.FromSeconds(10));
            PreparedRecording then = await source.PrepareAsync("externalCall.1", wav, CancellationToken.None);

            Assert.That(first, Is.TypeOf<PreparedRecording.NotYet>(), "answered at once, not after the encode");
            Assert.That(then, Is.TypeOf<PreparedRecording.Ready>());
            Assert.That(((PreparedRecording.Ready)then).Request.FileName, Does.EndWith(".wav"), "no encoder after all: the WAV goes");
            Assert.That(source.SendsLinks, Is.False, "uploads ride alone");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Every WAV the replay will name (the legs' recordings), with this content.</summary>
    private static void WriteRecordings(ServiceHarness h, byte[] content)
    {
        foreach (string file in Directory.GetFiles(h.FreeSwitch.RecordingsFolder, "*.wav").Where(f => !Path.GetFileName(f).StartsWith("msg_", StringComparison.Ordinal)))
        {
            File.WriteAllBytes(file, content);
        }
    }

    /// <summary>Seconds of audio FFmpeg decodes from the MP3 (8 kHz mono samples counted, encoder delay and padding trimmed).</summary>
    private static double DecodedSeconds(byte[] mp3)
    {
        string file = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N") + ".mp3");
        File.WriteAllBytes(file, mp3);
        try
        {
            var start = new ProcessStartInfo("ffmpeg") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (string a in new[] { "-nostdin", "-v", "error", "-i", file, "-f", "s16le", "-ac", "1", "-ar", "8000", "-" })
            {
                start.ArgumentList.Add(a);
            }

            using var process = Process.Start(start)!;
            using var pcm = new MemoryStream();
            Task errors = process.StandardError.ReadToEndAsync();
            process.StandardOutput.BaseStream.CopyTo(pcm);
            process.WaitForExit();
            errors.Wait();
            Assert.That(process.ExitCode, Is.Zero);
            return pcm.Length / 2 / 8000.0;
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static string Run(string program, string arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(program, arguments) { RedirectStandardOutput = true })!;
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return output;
    }

    private static int CountOf(string text, string what) => (text.Length - text.Replace(what, string.Empty, StringComparison.Ordinal).Length) / what.Length;

    private static async Task<string> ReadSharedAsync(string path)
    {
        using var reader = new StreamReader(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
        return await reader.ReadToEndAsync();
    }
}
