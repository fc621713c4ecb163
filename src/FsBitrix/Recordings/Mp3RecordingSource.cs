namespace FsBitrix.Recordings;

/// <summary>
/// <c>Recordings:Format=mp3</c>: a WAV recording goes to Bitrix24 as the MP3 <see cref="RecordingEncoder"/> made of it in
/// the background — its bytes (upload) or a signed link (url). While the MP3 is being made the command waits without
/// spending an attempt; without a usable encoder, or when one file cannot be encoded, the WAV goes: a recording is
/// never lost to the conversion.
/// </summary>
internal sealed class Mp3RecordingSource(RecordingEncoder encoder, IRecordingSource? links, UploadRecordingSource uploads) : IRecordingSource
{
    /// <summary>How soon the outbox looks again at an MP3 still being made.</summary>
    public static readonly TimeSpan LookAgain = TimeSpan.FromSeconds(1);

    public bool SendsLinks => links is not null;

    public async Task<PreparedRecording> PrepareAsync(string callId, string filePath, CancellationToken cancellationToken)
    {
        if (!RecordingEncoder.Encodes(filePath))
        {
            // Already compressed (FreeSWITCH recorded MP3 itself): sent as it is.
            return links is null
                ? await uploads.PrepareAsync(callId, filePath, cancellationToken).ConfigureAwait(false)
                : await links.PrepareAsync(callId, filePath, cancellationToken).ConfigureAwait(false);
        }

        Task<Mp3Job> job = encoder.Start(filePath);
        if (!job.IsCompleted)
        {
            return new PreparedRecording.NotYet(LookAgain);
        }

        if (!job.IsCompletedSuccessfully)
        {
            // Abandoned when the service was stopping: made again.
            encoder.Forget(filePath, deleteMp3: false);
            return new PreparedRecording.NotYet(LookAgain);
        }

        Mp3Job done = await job.ConfigureAwait(false);
        string? send = done.Outcome switch
        {
            Mp3JobOutcome.Encoded => done.Mp3Path,
            Mp3JobOutcome.AsWav => filePath,
            _ => null,
        };
        if (send is null)
        {
            encoder.Forget(filePath, deleteMp3: false);
            return new PreparedRecording.Missing();
        }

        return links is null
            ? new PreparedRecording.Ready(await UploadRecordingSource.ReadAsync(callId, send, cancellationToken).ConfigureAwait(false))
            : await links.PrepareAsync(callId, send, cancellationToken).ConfigureAwait(false);
    }

    public void Attached(string filePath) => encoder.Forget(filePath, deleteMp3: links is null);
}
