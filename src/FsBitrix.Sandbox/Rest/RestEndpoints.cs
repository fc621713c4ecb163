using System.Text;
using FsBitrix.Sandbox.Rest.Methods;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace FsBitrix.Sandbox.Rest;

/// <summary>The Bitrix24-shaped routes: the webhook REST entry point and the record upload target.</summary>
internal static class RestEndpoints
{
    public static void MapBitrixRest(this IEndpointRouteBuilder app, RestDispatcher dispatcher, AttachRecordMethod attachRecord)
    {
        // upload.json must win over the {method} pattern below, which it would otherwise match as user "upload.json".
        app.MapPost("/rest/upload.json", http => UploadAsync(http, attachRecord));
        app.MapMethods("/rest/{userId}/{code}/{method}", ["GET", "POST"], dispatcher.HandleAsync);
    }

    private static async Task UploadAsync(HttpContext http, AttachRecordMethod attachRecord)
    {
        http.Response.ContentType = "application/json; charset=utf-8";
        string token = http.Request.Query["token"].ToString();
        IFormFile? file = http.Request.HasFormContentType ? (await http.Request.ReadFormAsync(http.RequestAborted).ConfigureAwait(false)).Files.GetFile("file") : null;
        if (file is null)
        {
            http.Response.StatusCode = 400;
            await http.Response.WriteAsync(Envelope.Error("ERROR_CORE", "File is not uploaded (multipart field 'file' expected)").ToJsonString(), http.RequestAborted).ConfigureAwait(false);
            return;
        }

        using var buffer = new MemoryStream();
        await file.CopyToAsync(buffer, http.RequestAborted).ConfigureAwait(false);
        try
        {
            MethodResult result = attachRecord.Upload(token, file.FileName, buffer.ToArray());
            await http.Response.WriteAsync(new System.Text.Json.Nodes.JsonObject { ["result"] = result.Result }.ToJsonString(), Encoding.UTF8, http.RequestAborted).ConfigureAwait(false);
        }
        catch (RestError e)
        {
            http.Response.StatusCode = e.Status;
            await http.Response.WriteAsync(Envelope.Error(e.Error, e.Description).ToJsonString(), http.RequestAborted).ConfigureAwait(false);
        }
    }
}
