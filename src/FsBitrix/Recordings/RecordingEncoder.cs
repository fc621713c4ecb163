using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using FsBitrix.Core.Calls;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FsBitrix.Recordings;

/// <summary>
/// Makes the MP3 of each WAV recording in the background, off the outbox's path: a job starts as soon as the call
/// tracker writes the call's <see cref="AttachRecording"/> (<see cref="RecordingEncodeStarter"/>; the call is over),
/// waits until FreeSWITCH finished the file, and encodes it (<see cref="Mp3Encoder"/>: one thread, below normal priority, a few at a time). The outbox
/// only looks whether the job is done, so a batch carrying cards never waits for an encode.
/// </summary>
/// <remarks>
/// The MP3 lives in FsBitrix's own folder (FreeSWITCH's recordings folder may not be writable by the service), under a
/// folder named after the WAV's path so two calls' files never meet, and keeps the WAV's name for the CRM.
/// </remarks>
internal sealed partial class RecordingEncoder : IHostedService, IDisposable
{
    private readonly ConcurrentDictionary<string, Task<Mp3Job>> _jobs = new(StringComparer.Ordinal);
    private readonly Lazy<Task<Mp3Encoder?>> _encoder;
    private readonly string _folder;
    private readonly TimeProvider _time;
    private readonly TimeSpan _maxWait;
    private readonly TimeSpan _settle;
    private readonly TimeSpan _keep;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private long _sweptTicks;

    /// <param name="keep">How long an MP3 not known to be attached may stay (a link's lifetime).</param>
    public RecordingEncoder(Func<CancellationToken, Task<Mp3Encoder?>> findEncoder, string folder, TimeProvider time,
        TimeSpan maxWait, TimeSpan settle, TimeSpan keep, ILogger<RecordingEncoder> logger)
    {
        _encoder = new Lazy<Task<Mp3Encoder?>>(() => findEncoder(CancellationToken.None));
        _folder = folder;
        _time = time;
        _maxWait = maxWait;
        _settle = settle;
        _keep = keep;
        _logger = logger;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Encodes still running are abandoned (their partial file is removed); the outbox asks again after a restart.</summary>
    public async Task StopAsync(CancellationToken cancellationToken) => await _stopping.CancelAsync().ConfigureAwait(false);

    public void Dispose() => _stopping.Dispose();

    /// <summary>Recordings worth encoding: WAV (FreeSWITCH's default); anything else is already compressed.</summary>
    public static bool Encodes(string path) => path.EndsWith(".wav", StringComparison.OrdinalIgnoreCase);

    /// <summary>The recording's job, started if it was not (after a restart, the outbox asks first).</summary>
    public Task<Mp3Job> Start(string wavPath) =>
        _jobs.GetOrAdd(wavPath, path => Task.Run(() => RunAsync(path, _stopping.Token)));

    /// <summary>Bitrix24 has it: the job is forgotten, and its MP3 deleted when it was uploaded (a link still needs it).</summary>
    public void Forget(string wavPath, bool deleteMp3)
    {
        _jobs.TryRemove(wavPath, out _);
        if (deleteMp3)
        {
            Delete(Path.GetDirectoryName(Mp3PathOf(wavPath))!);
        }
    }

    /// <summary><c>{folder}/{hash of the WAV's path}/{the WAV's name}.mp3</c>.</summary>
    internal string Mp3PathOf(string wavPath)
    {
        string key = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Path.GetFullPath(wavPath))))[..16];
        return Path.Combine(_folder, key, Path.GetFileNameWithoutExtension(wavPath) + ".mp3");
    }

    private async Task<Mp3Job> RunAsync(string wavPath, CancellationToken cancellationToken)
    {
        Sweep();
        if (!await RecordingFile.WaitCompleteAsync(wavPath, _time, _maxWait, _settle, cancellationToken).ConfigureAwait(false))
        {
            return Mp3Job.Missing;
        }

        if (await _encoder.Value.ConfigureAwait(false) is not { } encoder)
        {
            return Mp3Job.AsWav;
        }

        string mp3 = Mp3PathOf(wavPath);
        try
        {
            if (!File.Exists(mp3))
            {
                Directory.CreateDirectory(Path.GetDirectoryName(mp3)!);
                long started = _time.GetTimestamp();
                await encoder.EncodeAsync(wavPath, mp3, cancellationToken).ConfigureAwait(false);
                LogEncoded(Path.GetFileName(wavPath), new FileInfo(wavPath).Length, new FileInfo(mp3).Length, _time.GetElapsedTime(started).TotalMilliseconds);
            }

            return new Mp3Job(Mp3JobOutcome.Encoded, mp3);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Whatever went wrong with this file (FFmpeg, the disk), the WAV is still there to send.
            LogEncodeFailed(Path.GetFileName(wavPath), ex.Message);
            return Mp3Job.AsWav;
        }
    }

    /// <summary>At most hourly: MP3s older than they may be (links expired, or attached while the service died).</summary>
    private void Sweep()
    {
        DateTimeOffset now = _time.GetUtcNow();
        long last = Interlocked.Read(ref _sweptTicks);
        if (now.UtcTicks - last < TimeSpan.TicksPerHour || Interlocked.CompareExchange(ref _sweptTicks, now.UtcTicks, last) != last
            || !Directory.Exists(_folder))
        {
            return;
        }

        foreach (string folder in Directory.EnumerateDirectories(_folder))
        {
            if (now - Directory.GetLastWriteTimeUtc(folder) > _keep)
            {
                Delete(folder);
            }
        }
    }

    private void Delete(string folder)
    {
        try
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            LogDeleteFailed(folder, ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Recording {File} encoded to MP3: {WavBytes} → {Mp3Bytes} bytes in {Milliseconds:0} ms")]
    private partial void LogEncoded(string file, long wavBytes, long mp3Bytes, double milliseconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Recording {File} could not be encoded to MP3 ({Reason}); the WAV is sent instead")]
    private partial void LogEncodeFailed(string file, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cannot delete the sent MP3 folder {Folder}: {Reason}")]
    private partial void LogDeleteFailed(string folder, string reason);
}

internal enum Mp3JobOutcome
{
    Encoded,

    /// <summary>No encoder, or this file could not be encoded: the WAV goes as FreeSWITCH wrote it.</summary>
    AsWav,

    /// <summary>The WAV never appeared complete.</summary>
    Missing,
}

/// <param name="Mp3Path">The MP3, when <see cref="Mp3JobOutcome.Encoded"/>.</param>
internal sealed record Mp3Job(Mp3JobOutcome Outcome, string? Mp3Path = null)
{
    public static readonly Mp3Job AsWav = new(Mp3JobOutcome.AsWav);

    public static readonly Mp3Job Missing = new(Mp3JobOutcome.Missing);
}
