using System.Buffers.Binary;
using System.ComponentModel;
using System.Diagnostics;

namespace FsBitrix.Recordings;

/// <summary>
/// Encodes FreeSWITCH's WAV recordings to MP3 with FFmpeg's libmp3lame (Debian's <c>ffmpeg</c>), as a child process:
/// one thread each, at most <c>Recordings:ParallelEncodes</c> at a time, below normal priority — FreeSWITCH's media
/// threads on the same box come first. Constant bit rate per channel, so sizes are predictable: 16 kbit/s per
/// channel is an eighth of 8 kHz 16-bit PCM, and telephone speech loses nothing audible.
/// </summary>
/// <remarks>
/// A process of our own rather than FFMpegCore: the wrapper hides the process, and its priority is the point here.
/// </remarks>
internal sealed class Mp3Encoder(string ffmpegPath, int parallelEncodes, int kbpsPerChannel, TimeSpan timeout)
{
    private readonly SemaphoreSlim _slots = new(Math.Max(1, parallelEncodes));

    public string Path => ffmpegPath;

    /// <summary>Encodes <paramref name="wavPath"/> to <paramref name="mp3Path"/>, written whole or not at all.</summary>
    /// <exception cref="Mp3EncodingException">FFmpeg failed, or took longer than the timeout.</exception>
    public async Task EncodeAsync(string wavPath, string mp3Path, CancellationToken cancellationToken)
    {
        int channels = ChannelsOf(wavPath);
        string partial = mp3Path + ".partial";
        await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            string[] arguments =
            [
                "-nostdin", "-hide_banner", "-loglevel", "error", "-threads", "1",
                "-i", wavPath, "-vn", "-map_metadata", "-1",
                "-codec:a", "libmp3lame", "-b:a", $"{kbpsPerChannel * channels}k", "-f", "mp3", "-y", partial,
            ];
            (int exitCode, string errors) = await RunAsync(ffmpegPath, arguments, timeout, lowPriority: true, cancellationToken).ConfigureAwait(false);
            if (exitCode != 0 || !File.Exists(partial))
            {
                throw new Mp3EncodingException($"ffmpeg exited with {exitCode}: {errors.Trim()}");
            }

            File.Move(partial, mp3Path, overwrite: true);
        }
        finally
        {
            _slots.Release();
            File.Delete(partial);
        }
    }

    /// <summary>
    /// The FFmpeg to use: <paramref name="configured"/> (a path, or a name looked up on PATH), if it exists and has the
    /// libmp3lame encoder; otherwise null and why.
    /// </summary>
    public static async Task<(string? Path, string? Problem)> FindAsync(string configured, CancellationToken cancellationToken)
    {
        string? path = Resolve(configured);
        if (path is null)
        {
            return (null, $"'{configured}' not found (Debian: apt-get install ffmpeg; or set FsBitrix:Recordings:Encoder to its path)");
        }

        try
        {
            (int exitCode, string output) = await RunAsync(path, ["-hide_banner", "-encoders"], TimeSpan.FromSeconds(10), lowPriority: false, cancellationToken)
                .ConfigureAwait(false);
            return exitCode == 0 && output.Contains("libmp3lame", StringComparison.Ordinal)
                ? (path, null)
                : (null, $"{path} has no libmp3lame encoder (Debian's ffmpeg package has it)");
        }
        catch (Exception ex) when (ex is Win32Exception or Mp3EncodingException)
        {
            return (null, $"{path} cannot be run: {ex.Message}");
        }
    }

    /// <summary>Channels from the WAV's <c>fmt </c> chunk; 1 when it cannot be read (FFmpeg then says what is wrong).</summary>
    internal static int ChannelsOf(string wavPath)
    {
        Span<byte> header = stackalloc byte[512];
        int read;
        using (FileStream file = File.OpenRead(wavPath))
        {
            read = file.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
        }

        header = header[..read];
        if (read < 12 || !header[..4].SequenceEqual("RIFF"u8) || !header[8..12].SequenceEqual("WAVE"u8))
        {
            return 1;
        }

        for (int at = 12; at + 8 <= header.Length;)
        {
            int size = BinaryPrimitives.ReadInt32LittleEndian(header[(at + 4)..]);
            if (header.Slice(at, 4).SequenceEqual("fmt "u8) && at + 12 <= header.Length)
            {
                return Math.Max((int)BinaryPrimitives.ReadInt16LittleEndian(header[(at + 10)..]), 1);
            }

            if (size < 0)
            {
                break;
            }

            at += 8 + size + (size & 1);
        }

        return 1;
    }

    private static string? Resolve(string configured)
    {
        if (configured.Contains('/', StringComparison.Ordinal))
        {
            return File.Exists(configured) ? configured : null;
        }

        foreach (string folder in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = System.IO.Path.Combine(folder, configured);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string path, IEnumerable<string> arguments, TimeSpan timeout, bool lowPriority,
        CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new Mp3EncodingException($"{path} did not start");
        if (lowPriority)
        {
            try
            {
                // nice 10 on Linux: the encoder takes only what FreeSWITCH and the service leave.
                process.PriorityClass = ProcessPriorityClass.BelowNormal;
            }
            catch (Exception ex) when (ex is InvalidOperationException or Win32Exception)
            {
                // It ended already, or the system refuses: the encode still runs, one thread wide.
            }
        }

        Task<string> output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        Task<string> errors = process.StandardError.ReadToEndAsync(cancellationToken);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(limit.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            cancellationToken.ThrowIfCancellationRequested();
            throw new Mp3EncodingException($"{System.IO.Path.GetFileName(path)} took longer than {timeout.TotalSeconds:0} s");
        }

        return (process.ExitCode, await output.ConfigureAwait(false) + await errors.ConfigureAwait(false));
    }
}

internal sealed class Mp3EncodingException(string message) : Exception(message);
