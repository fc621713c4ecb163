using FsBitrix.Bitrix24.Telephony;

namespace FsBitrix.Recordings;

/// <summary>Turns a recording on disk into what attachRecord sends: the file itself, or a signed link to it.</summary>
internal interface IRecordingSource
{
    /// <summary>The request to send, or null when there is nothing to attach (the file never appeared).</summary>
    Task<AttachRecordRequest?> PrepareAsync(string callId, string filePath, CancellationToken cancellationToken);

    /// <summary>Bitrix24 has the recording of <paramref name="filePath"/>: what was made for sending it can go.</summary>
    void Attached(string filePath)
    {
    }
}
