using System.Globalization;
using FsBitrix.Sandbox.State;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace FsBitrix.Sandbox.Web;

/// <summary>
/// <c>GET /sandbox/records/{fileId}/audio</c>: a recording as an <c>&lt;audio&gt;</c> element wants it, with its
/// audio type and byte ranges (browsers seek, and Chromium asks for <c>bytes=0-</c> before it plays).
/// </summary>
internal static class AudioEndpoint
{
    public static string PathOf(long fileId) => $"/sandbox/records/{fileId.ToString(CultureInfo.InvariantCulture)}/audio";

    public static Task ServeAsync(HttpContext http, PortalState state)
    {
        long fileId = long.Parse((string)http.GetRouteValue("fileId")!, CultureInfo.InvariantCulture);
        SandboxRecording? recording = state.FinishedCalls.Select(c => c.Recording).FirstOrDefault(r => r?.FileId == fileId);
        if (recording is null)
        {
            http.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }

        http.Response.Headers.CacheControl = "no-cache";
        return TypedResults.File(recording.Content, ContentType(recording.FileName), enableRangeProcessing: true).ExecuteAsync(http);
    }

    private static string ContentType(string fileName) => Path.GetExtension(fileName).ToLowerInvariant() switch
    {
        ".wav" => "audio/wav",
        ".flac" => "audio/flac",
        _ => "audio/mpeg",
    };
}
