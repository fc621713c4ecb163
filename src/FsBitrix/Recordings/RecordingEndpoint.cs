using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace FsBitrix.Recordings;

/// <summary><c>GET /recordings/{token}</c>: the file a signed link names, or 404 for anything else.</summary>
internal static class RecordingEndpoint
{
    public static void MapRecordings(this IEndpointRouteBuilder app) =>
        app.MapGet("/recordings/{token}", async (string token, RecordingLinks links, IRecordingLinkStore store, CancellationToken cancellationToken) =>
        {
            if (links.Validate(token) is not { } id
                || await store.PathOfAsync(id, cancellationToken).ConfigureAwait(false) is not { } path
                || !File.Exists(path))
            {
                return Results.NotFound();
            }

            string type = Path.GetExtension(path).ToLowerInvariant() == ".mp3" ? "audio/mpeg" : "audio/wav";
            return Results.File(path, type, Path.GetFileName(path), enableRangeProcessing: true);
        });
}
