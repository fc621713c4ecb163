using FsBitrix.Bitrix24.Telephony;

namespace FsBitrix.Recordings;

/// <summary>
/// <c>Recordings:Mode=upload</c>: sends the file's bytes. FreeSWITCH may still be writing it when the call ends,
/// so it waits (bounded) until the file is complete (<see cref="RecordingFile"/>).
/// </summary>
internal sealed class UploadRecordingSource(TimeProvider time, TimeSpan maxWait, TimeSpan settle) : IRecordingSource
{
    public bool SendsLinks => false;

    public async Task<PreparedRecording> PrepareAsync(string callId, string filePath, CancellationToken cancellationToken)
    {
        if (!await RecordingFile.WaitCompleteAsync(filePath, time, maxWait, settle, cancellationToken).ConfigureAwait(false))
        {
            return new PreparedRecording.Missing();
        }

        return new PreparedRecording.Ready(await ReadAsync(callId, filePath, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>The request carrying a file known to be complete.</summary>
    public static async Task<AttachRecordRequest> ReadAsync(string callId, string filePath, CancellationToken cancellationToken)
    {
        byte[] content = await File.ReadAllBytesAsync(filePath, cancellationToken).ConfigureAwait(false);
        return AttachRecordRequest.FromFile(callId, Path.GetFileName(filePath), content);
    }
}
