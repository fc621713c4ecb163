using System.Collections.Concurrent;
using System.Net;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using FsBitrix.Sandbox.State;

namespace FsBitrix.Sandbox.Rest.Methods;

/// <summary>
/// <c>telephony.externalcall.attachRecord</c>: only for finished calls. Three modes as in the server code:
/// <c>RECORD_URL</c> (downloaded while answering), <c>FILENAME</c> + base64 <c>FILE_CONTENT</c>, and
/// <c>FILENAME</c> alone, which returns an <c>uploadUrl</c> for a multipart upload.
/// </summary>
internal sealed class AttachRecordMethod(PortalState state, Func<Uri> baseUrl, HttpClient downloader) : IPrefetchingMethod
{
    // Exact server strings: "or URL or FILENAME" and "Looks like" are what the code says, not the docs.
    internal const string NotFinished = "Call is not found in the statistic table. Looks like it is not finished yet.";
    private const string NoParameters = "Required parameters are not set. Request should contain or URL or FILENAME parameter";
    private readonly ConcurrentDictionary<string, (string CallId, string FileName)> _uploads = new(StringComparer.Ordinal);

    // RECORD_URL downloads done before the portal's lock was taken, by request; a batch's command downloads in Invoke.
    private readonly ConditionalWeakTable<RestParams, Func<(byte[] Content, string FileName)>> _downloaded = new();

    public string Name => "telephony.externalcall.attachrecord";

    public MethodResult Invoke(RestParams p)
    {
        string callId = p.String("CALL_ID") ?? string.Empty;
        if (state.FindFinished(callId) is null)
        {
            throw RestError.ErrorCore(NotFinished);
        }

        string fileName = p.String("FILENAME")?.Trim() ?? string.Empty;
        if (p.String("RECORD_URL") is { Length: > 0 } url)
        {
            (byte[] content, string name) = _downloaded.TryGetValue(p, out var fetched) ? fetched() : Download(url, fileName);
            return Stored(callId, name, content, url);
        }

        if (fileName.Length == 0)
        {
            throw RestError.ErrorCore(p.Has("FILE_CONTENT") ? "File name is empty" : NoParameters);
        }

        CheckExtension(fileName, allowFlac: false);
        if (!p.Has("FILE_CONTENT"))
        {
            string token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
            _uploads[token] = (callId, fileName);
            var upload = new Uri(baseUrl(), $"rest/upload.json?token={token}");
            return new MethodResult(new JsonObject { ["uploadUrl"] = upload.AbsoluteUri, ["fieldName"] = "file" });
        }

        string base64 = p.String("FILE_CONTENT") ?? string.Empty;
        if (base64.Length == 0)
        {
            throw RestError.ErrorCore("File content is empty.");
        }

        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(base64);
        }
        catch (FormatException)
        {
            throw RestError.ErrorCore("File content is not properly encoded. Base64 encoding is expected.");
        }

        return Stored(callId, fileName, bytes, null);
    }

    public async Task PrefetchAsync(RestParams p, CancellationToken cancellationToken)
    {
        if (p.String("RECORD_URL") is not { Length: > 0 } url)
        {
            return;
        }

        string fileName = p.String("FILENAME")?.Trim() ?? string.Empty;
        try
        {
            (byte[] Content, string FileName) file = await DownloadAsync(url, fileName, cancellationToken).ConfigureAwait(false);
            _downloaded.AddOrUpdate(p, () => file);
        }
        catch (RestError e)
        {
            // Thrown when the method runs, after its own checks, as the server would answer.
            _downloaded.AddOrUpdate(p, () => throw e);
        }
    }

    /// <summary>The <c>uploadUrl</c> target: stores the multipart <c>file</c> field for the call the token was issued to.</summary>
    internal MethodResult Upload(string token, string uploadedName, byte[] content)
    {
        if (!_uploads.TryRemove(token, out (string CallId, string FileName) target))
        {
            throw new RestError(400, "INVALID_TOKEN", "Upload token is not valid or was already used");
        }

        CheckExtension(uploadedName, allowFlac: false);
        return Stored(target.CallId, target.FileName, content, null);
    }

    private MethodResult Stored(string callId, string fileName, byte[] content, string? sourceUrl)
    {
        long fileId = state.Write("record", callId, () =>
        {
            SandboxFinishedCall call = state.Finished[callId];
            var recording = new SandboxRecording(state.NewFileId(), fileName, content, sourceUrl, state.Time.GetUtcNow());
            // A second attachRecord replaces the first.
            state.Finished[callId] = call with { Recording = recording };
            return recording.FileId;
        });
        return new MethodResult(new JsonObject { ["FILE_ID"] = fileId });
    }

    private (byte[] Content, string FileName) Download(string url, string fileName) =>
        DownloadAsync(url, fileName, CancellationToken.None).GetAwaiter().GetResult();

    private async Task<(byte[] Content, string FileName)> DownloadAsync(string url, string fileName, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out Uri? uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw RestError.ErrorCore("RECORD_URL is not a valid http(s) URL");
        }

        // The sandbox runs beside tests and the demo: it never reaches beyond this machine.
        if (!uri.IsLoopback)
        {
            throw new RestError(400, "SERVER_NOT_AVAILABLE", "The sandbox portal downloads recordings only from loopback addresses");
        }

        string name = fileName.Length > 0 ? fileName : Path.GetFileName(uri.AbsolutePath);
        CheckExtension(name, allowFlac: true);
        HttpResponseMessage response;
        try
        {
            response = await downloader.SendAsync(new HttpRequestMessage(HttpMethod.Get, uri), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            throw new RestError(400, "SERVER_NOT_AVAILABLE", $"Server is not available: {e.Message}");
        }

        using (response)
        {
            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw RestError.ErrorCore($"Server returns HTTP error code {(int)response.StatusCode}");
            }

            if (response.Content.Headers.ContentType?.MediaType is not { } mime || !mime.StartsWith("audio/", StringComparison.OrdinalIgnoreCase))
            {
                // RecordFile::isCorrectFromArray rejects non-audio MIME types; the sandbox words the refusal itself.
                throw RestError.ErrorCore($"Downloaded file is not audio (Content-Type {response.Content.Headers.ContentType?.MediaType ?? "none"})");
            }

            return (await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false), name);
        }
    }

    private static void CheckExtension(string fileName, bool allowFlac)
    {
        string ext = Path.GetExtension(fileName).ToLowerInvariant();
        if (ext is not (".mp3" or ".wav") && !(allowFlac && ext == ".flac"))
        {
            throw RestError.ErrorCore("Wrong file extension. Only wav and mp3 are allowed");
        }
    }
}
