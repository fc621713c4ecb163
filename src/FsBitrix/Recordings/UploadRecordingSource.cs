using FsBitrix.Bitrix24.Telephony;

namespace FsBitrix.Recordings;

/// <summary>
/// <c>Recordings:Mode=upload</c>: sends the file's bytes. FreeSWITCH may still be writing it when the call ends,
/// so it waits (bounded) until the file exists and its size has stopped changing.
/// </summary>
internal sealed class UploadRecordingSource(TimeProvider time, TimeSpan maxWait, TimeSpan settle) : IRecordingSource
{
    public async Task<AttachRecordRequest?> PrepareAsync(string callId, string filePath, CancellationToken cancellationToken)
    {
        DateTimeOffset giveUp = time.GetUtcNow() + maxWait;
        long lastSize = -1;
        while (true)
        {
            var file = new FileInfo(filePath);
            if (file.Exists && file.Length > 0 && file.Length == lastSize)
            {
                byte[] content = await File.ReadAllBytesAsync(filePath, cancellationToken).ConfigureAwait(false);
                return AttachRecordRequest.FromFile(callId, file.Name, content);
            }

            lastSize = file.Exists ? file.Length : -1;
            if (time.GetUtcNow() >= giveUp)
            {
                return null;
            }

            await Task.Delay(settle, time, cancellationToken).ConfigureAwait(false);
        }
    }
}
