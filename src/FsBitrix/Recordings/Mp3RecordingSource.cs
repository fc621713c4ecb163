using System.Security.Cryptography;
using System.Text;
using FsBitrix.Bitrix24.Telephony;
using Microsoft.Extensions.Logging;

namespace FsBitrix.Recordings;

/// <summary>
/// <c>Recordings:Format=mp3</c>: a WAV recording is encoded to MP3 (<see cref="Mp3Encoder"/>) once it is complete,
/// then sent like the WAV would have been — its bytes (upload) or a signed link (url). Without a usable encoder, or
/// when one file cannot be encoded, the WAV goes as it is: a recording is never lost to the conversion.
/// </summary>
/// <remarks>
/// The MP3 lives in FsBitrix's own folder (FreeSWITCH's recordings folder may not be writable by the service), under
/// a folder named after the WAV's path so that two calls' files never meet, and keeps the WAV's name. An uploaded MP3
/// is deleted once Bitrix24 has it; a linked one when its link expires.
/// </remarks>
internal sealed partial class Mp3RecordingSource : IRecordingSource
{
    private readonly IRecordingSource? _links;
    private readonly string _folder;
    private readonly TimeProvider _time;
    private readonly TimeSpan _maxWait;
    private readonly TimeSpan _settle;
    private readonly TimeSpan _keep;
    private readonly ILogger _logger;
    private readonly Lazy<Task<Mp3Encoder?>> _encoder;
    private long _sweptTicks;

    /// <param name="links">The url mode's source (the MP3 is linked, not uploaded); null for upload.</param>
    /// <param name="keep">How long an MP3 not known to be attached may stay (a link's lifetime).</param>
    public Mp3RecordingSource(Func<CancellationToken, Task<Mp3Encoder?>> findEncoder, IRecordingSource? links, string folder, TimeProvider time,
        TimeSpan maxWait, TimeSpan settle, TimeSpan keep, ILogger<Mp3RecordingSource> logger)
    {
        _links = links;
        _folder = folder;
        _time = time;
        _maxWait = maxWait;
        _settle = settle;
        _keep = keep;
        _logger = logger;
        _encoder = new Lazy<Task<Mp3Encoder?>>(() => findEncoder(CancellationToken.None));
    }

    public async Task<AttachRecordRequest?> PrepareAsync(string callId, string filePath, CancellationToken cancellationToken)
    {
        Sweep();
        if (!await RecordingFile.WaitCompleteAsync(filePath, _time, _maxWait, _settle, cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        string send = filePath;
        if (filePath.EndsWith(".wav", StringComparison.OrdinalIgnoreCase) && await _encoder.Value.ConfigureAwait(false) is { } encoder)
        {
            string mp3 = Mp3PathOf(filePath);
            try
            {
                if (!File.Exists(mp3))
                {
                    Directory.CreateDirectory(Path.GetDirectoryName(mp3)!);
                    long started = _time.GetTimestamp();
                    await encoder.EncodeAsync(filePath, mp3, cancellationToken).ConfigureAwait(false);
                    LogEncoded(Path.GetFileName(filePath), new FileInfo(filePath).Length, new FileInfo(mp3).Length, _time.GetElapsedTime(started).TotalMilliseconds);
                }

                send = mp3;
            }
            catch (Exception ex) when (ex is Mp3EncodingException or IOException or UnauthorizedAccessException)
            {
                LogEncodeFailed(Path.GetFileName(filePath), ex.Message);
            }
        }

        return _links is null
            ? await UploadRecordingSource.ReadAsync(callId, send, cancellationToken).ConfigureAwait(false)
            : await _links.PrepareAsync(callId, send, cancellationToken).ConfigureAwait(false);
    }

    public void Attached(string filePath)
    {
        if (_links is null)
        {
            Delete(Path.GetDirectoryName(Mp3PathOf(filePath))!);
        }
    }

    /// <summary><c>{folder}/{hash of the WAV's path}/{the WAV's name}.mp3</c>.</summary>
    internal string Mp3PathOf(string wavPath)
    {
        string key = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Path.GetFullPath(wavPath))))[..16];
        return Path.Combine(_folder, key, Path.GetFileNameWithoutExtension(wavPath) + ".mp3");
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
