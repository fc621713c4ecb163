using FsBitrix.Bitrix24.Telephony;

namespace FsBitrix.Recordings;

/// <summary>
/// <c>Recordings:Mode=url</c>: Bitrix24 downloads the file itself from <c>GET /recordings/{token}</c> on this
/// service, through a link that expires. Nothing is uploaded, so large recordings cost the portal no REST time.
/// </summary>
internal sealed class UrlRecordingSource(IRecordingLinkStore store, RecordingLinks links, Uri publicBase, TimeSpan lifetime, TimeProvider time)
    : IRecordingSource
{
    public bool SendsLinks => true;

    public async Task<PreparedRecording> PrepareAsync(string callId, string filePath, CancellationToken cancellationToken)
    {
        DateTimeOffset expires = time.GetUtcNow() + lifetime;
        string id = await store.AddAsync(filePath, expires, cancellationToken).ConfigureAwait(false);
        var url = new Uri(publicBase, "recordings/" + links.CreateToken(id, expires));
        return new PreparedRecording.Ready(AttachRecordRequest.FromUrl(callId, url, Path.GetFileName(filePath)));
    }
}
