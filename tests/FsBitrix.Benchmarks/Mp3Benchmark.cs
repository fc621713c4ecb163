using System.Diagnostics;
using System.Globalization;
using FsBitrix.Recordings;
using FsBitrix.Tests.Support;

namespace FsBitrix.Benchmarks;

/// <summary>
/// <c>mp3 [--minutes M] [--rounds R]</c>: what MP3 saves and costs per recorded minute, mono (one leg) and stereo
/// (<c>RECORD_STEREO</c>): a speech-like 8 kHz WAV of M minutes encoded R times by the service's own encoder (FFmpeg,
/// libmp3lame, one thread, below normal priority); sizes, and the median wall time of an encode per recorded minute.
/// </summary>
internal static class Mp3Benchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        double minutes = Option(args, "--minutes", 3);
        int rounds = (int)Option(args, "--rounds", 5);
        (string? ffmpeg, string? problem) = await Mp3Encoder.FindAsync("ffmpeg", CancellationToken.None).ConfigureAwait(false);
        if (ffmpeg is null)
        {
            await Console.Error.WriteLineAsync("mp3: " + problem).ConfigureAwait(false);
            return 1;
        }

        string folder = Directory.CreateTempSubdirectory("fsbitrix-mp3-bench-").FullName;
        try
        {
            var encoder = new Mp3Encoder(ffmpeg, 1, 16, TimeSpan.FromMinutes(10));
            Console.WriteLine($"mp3: {minutes} min of speech-like 8 kHz audio, {rounds} encodes each, {ffmpeg}, 16 kbit/s per channel");
            foreach (int channels in new[] { 1, 2 })
            {
                string wav = Path.Combine(folder, $"rec{channels}.wav");
                await File.WriteAllBytesAsync(wav, Wav.Voice(TimeSpan.FromMinutes(minutes), channels)).ConfigureAwait(false);
                var times = new List<double>();
                long mp3Bytes = 0;
                for (int i = 0; i < rounds; i++)
                {
                    string mp3 = Path.Combine(folder, $"rec{channels}-{i}.mp3");
                    var watch = Stopwatch.StartNew();
                    await encoder.EncodeAsync(wav, mp3, CancellationToken.None).ConfigureAwait(false);
                    times.Add(watch.Elapsed.TotalMilliseconds / minutes);
                    mp3Bytes = new FileInfo(mp3).Length;
                }

                times.Sort();
                long wavBytes = new FileInfo(wav).Length;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{(channels == 1 ? "mono  " : "stereo")}: per minute WAV {wavBytes / minutes / 1024:0} KiB, MP3 {mp3Bytes / minutes / 1024:0} KiB ({(double)wavBytes / mp3Bytes:0.0}x smaller); encode {times[times.Count / 2]:0} ms per recorded minute (median; min {times[0]:0}, max {times[^1]:0})"));
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }

        return 0;
    }

    private static double Option(string[] args, string name, double fallback)
    {
        int at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? double.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;
    }
}
