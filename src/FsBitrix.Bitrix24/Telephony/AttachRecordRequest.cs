using FsBitrix.Bitrix24.Params;

namespace FsBitrix.Bitrix24.Telephony;

/// <summary>
/// Parameters of <c>telephony.externalcall.attachRecord</c>. Valid only after <c>finish</c> (Bitrix24 keeps
/// recordings on the statistics row that finish creates); the caller orders the two. Sending it again
/// replaces the earlier recording, so it is safe to retry.
/// </summary>
public sealed record AttachRecordRequest
{
    private AttachRecordRequest(string callId, string fileName, ReadOnlyMemory<byte> content, string? recordUrl)
    {
        CallId = callId;
        FileName = fileName;
        FileContent = content;
        RecordUrl = recordUrl;
    }

    public string CallId { get; }

    public string FileName { get; }

    public ReadOnlyMemory<byte> FileContent { get; }

    public string? RecordUrl { get; }

    /// <summary>Uploads the file itself, base64 in <c>FILE_CONTENT</c>; Bitrix24 accepts only mp3 and wav.</summary>
    public static AttachRecordRequest FromFile(string callId, string fileName, ReadOnlyMemory<byte> content)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(callId);
        ArgumentException.ThrowIfNullOrWhiteSpace(fileName);
        string extension = Path.GetExtension(fileName);
        if (!extension.Equals(".mp3", StringComparison.OrdinalIgnoreCase) && !extension.Equals(".wav", StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"Bitrix24 accepts only wav and mp3 recordings, got '{fileName}'.", nameof(fileName));
        }

        if (content.IsEmpty)
        {
            throw new ArgumentException("Recording is empty.", nameof(content));
        }

        return new AttachRecordRequest(callId, fileName, content, null);
    }

    /// <summary>Bitrix24 downloads the file from <paramref name="recordUrl"/> while answering; it must be reachable from the portal.</summary>
    public static AttachRecordRequest FromUrl(string callId, Uri recordUrl, string? fileName = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(callId);
        ArgumentNullException.ThrowIfNull(recordUrl);
        return new AttachRecordRequest(callId, fileName ?? string.Empty, ReadOnlyMemory<byte>.Empty, recordUrl.AbsoluteUri);
    }

    internal BitrixParams ToParams()
    {
        var parameters = new BitrixParams().Add("CALL_ID", CallId);
        if (FileName.Length > 0)
        {
            parameters.Add("FILENAME", FileName);
        }

        return RecordUrl is not null
            ? parameters.Add("RECORD_URL", RecordUrl)
            : parameters.Add("FILE_CONTENT", Convert.ToBase64String(FileContent.Span));
    }
}
