using System.Text.Json;
using FsBitrix.Sandbox.Events;
using Microsoft.AspNetCore.Http;

namespace FsBitrix.Sandbox.Web;

/// <summary>
/// <c>POST /sandbox/click-to-call</c> <c>{"userId":3,"phone":"+79161234567","entityType":"CONTACT","entityId":797}</c>:
/// the page's stand-in for a rep clicking a number in the CRM. The portal registers the call and posts
/// ONEXTERNALCALLSTART to <see cref="SandboxOptions.EventHandlerUrl"/>.
/// </summary>
internal static class ClickToCallEndpoint
{
    internal const string NoHandler = "Click-to-call is off: this portal has no event handler URL (SandboxOptions.EventHandlerUrl). "
        + "The demo points it at the service's /bitrix/events.";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static async Task HandleAsync(HttpContext http, SandboxOptions options, SandboxEvents events)
    {
        // JSON only: a cross-site page cannot send it without a CORS preflight, which the sandbox never grants.
        if (!http.Request.HasJsonContentType())
        {
            await AnswerAsync(http, StatusCodes.Status415UnsupportedMediaType, new { error = "Send the click as application/json." }).ConfigureAwait(false);
            return;
        }

        ClickRequest? click;
        try
        {
            click = await JsonSerializer.DeserializeAsync<ClickRequest>(http.Request.Body, Json, http.RequestAborted).ConfigureAwait(false);
        }
        catch (JsonException e)
        {
            await AnswerAsync(http, StatusCodes.Status400BadRequest, new { error = $"Malformed click: {e.Message}" }).ConfigureAwait(false);
            return;
        }

        if (click is not { UserId: > 0, Phone.Length: > 0 })
        {
            await AnswerAsync(http, StatusCodes.Status400BadRequest, new { error = "userId and phone are required." }).ConfigureAwait(false);
            return;
        }

        if (options.EventHandlerUrl is not { } handler)
        {
            await AnswerAsync(http, StatusCodes.Status409Conflict, new { error = NoHandler }).ConfigureAwait(false);
            return;
        }

        try
        {
            SentEvent sent = await events.StartClickToCallAsync(
                new ClickToCall(click.UserId, click.Phone) { CrmEntityType = click.EntityType, CrmEntityId = click.EntityId }, handler, http.RequestAborted).ConfigureAwait(false);
            await AnswerAsync(http, StatusCodes.Status200OK, new { callId = sent.CallId, handler = handler.AbsoluteUri, handlerStatus = sent.HandlerStatus, deliveryError = sent.DeliveryError }).ConfigureAwait(false);
        }
        catch (InvalidOperationException e)
        {
            // The portal refused to register (e.g. a dismissed user): Bitrix24 would show this in the CRM.
            await AnswerAsync(http, StatusCodes.Status422UnprocessableEntity, new { error = e.Message }).ConfigureAwait(false);
        }
        catch (ArgumentException e)
        {
            await AnswerAsync(http, StatusCodes.Status409Conflict, new { error = e.Message }).ConfigureAwait(false);
        }
    }

    private static Task AnswerAsync(HttpContext http, int status, object body)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json; charset=utf-8";
        return http.Response.WriteAsync(JsonSerializer.Serialize(body, Json), http.RequestAborted);
    }

    private sealed record ClickRequest(int UserId, string Phone, string? EntityType, long? EntityId);
}
