using FsBitrix.Bitrix24.Telephony;

namespace FsBitrix.Recordings;

/// <summary>Turns a recording on disk into what attachRecord sends: the file itself, or a signed link to it.</summary>
internal interface IRecordingSource
{
    /// <summary>
    /// True when the recording goes as a link (it may ride in a <c>batch</c> with other calls' commands); false when
    /// the file itself is uploaded (a request of its own).
    /// </summary>
    bool SendsLinks { get; }

    /// <summary>The request to send; or that the file never appeared; or that it is not ready yet (an MP3 being made).</summary>
    Task<PreparedRecording> PrepareAsync(string callId, string filePath, CancellationToken cancellationToken);

    /// <summary>Bitrix24 has the recording of <paramref name="filePath"/>: what was made for sending it can go.</summary>
    void Attached(string filePath)
    {
    }
}

/// <summary>What <see cref="IRecordingSource.PrepareAsync"/> found.</summary>
internal abstract record PreparedRecording
{
    public sealed record Ready(AttachRecordRequest Request) : PreparedRecording;

    /// <summary>The file never appeared complete on disk (within <c>Recordings:MaxWait</c>).</summary>
    public sealed record Missing : PreparedRecording;

    /// <summary>Still being made (encoded in the background): ask again after <paramref name="RetryIn"/>; no attempt spent.</summary>
    public sealed record NotYet(TimeSpan RetryIn) : PreparedRecording;
}
