using System.Text.Json;
using FsBitrix.Sandbox.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace FsBitrix.Sandbox;

/// <summary>
/// Read-only views for tests and the demo: <c>GET /sandbox/state</c> and the stored recordings at
/// <c>GET /sandbox/records/{fileId}</c>. Not part of Bitrix24; no webhook code needed.
/// </summary>
internal static class StateEndpoints
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static void MapSandboxState(this IEndpointRouteBuilder app, PortalState state)
    {
        app.MapGet("/sandbox/state", http =>
        {
            http.Response.ContentType = "application/json; charset=utf-8";
            return http.Response.WriteAsync(JsonSerializer.Serialize(Snapshot(state), Json), http.RequestAborted);
        });

        app.MapGet("/sandbox/records/{fileId:long}", async http =>
        {
            long fileId = long.Parse((string)http.GetRouteValue("fileId")!, System.Globalization.CultureInfo.InvariantCulture);
            SandboxRecording? recording = state.FinishedCalls.Select(c => c.Recording).FirstOrDefault(r => r?.FileId == fileId);
            if (recording is null)
            {
                http.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }

            http.Response.ContentType = Path.GetExtension(recording.FileName).Equals(".wav", StringComparison.OrdinalIgnoreCase) ? "audio/wav" : "audio/mpeg";
            await http.Response.Body.WriteAsync(recording.Content, http.RequestAborted).ConfigureAwait(false);
        });
    }

    public static object Snapshot(PortalState state) => new
    {
        liveCalls = state.LiveCalls.Select(c => new
        {
            c.CallId, c.ExternalCallId, c.UserId, c.PhoneNumber, c.Type, c.LineNumber, c.CallStartDate, c.RegisteredAt,
            c.CrmEntityType, c.CrmEntityId, c.CrmCreatedLead, c.PortalCall, c.LeadCreationError, c.StartedByClickToCall,
            cardsShownTo = state.CardViewers(c.CallId),
        }),
        cardsByUser = state.CardsByUser.ToDictionary(p => p.Key.ToString(System.Globalization.CultureInfo.InvariantCulture), p => p.Value),
        finishedCalls = state.FinishedCalls.Select(c => new
        {
            c.Id, c.CallId, c.ExternalCallId, c.UserId, c.PhoneNumber, c.PortalNumber, c.Type, c.Duration, c.StatusCode, c.CallStatus,
            c.Cost, c.CostCurrency, c.FailedReason, c.Vote, c.AddToChat, c.RecordUrl, c.CrmEntityType, c.CrmEntityId, c.CrmActivityId,
            c.CallStartDate, c.FinishedAt,
            recording = c.Recording is { } r
                ? new { r.FileId, r.FileName, size = r.Content.Length, r.SourceUrl, r.AttachedAt, url = $"/sandbox/records/{r.FileId}" }
                : null,
        }),
        crm = state.CrmEntities.GroupBy(e => e.EntityType).ToDictionary(g => g.Key.ToLowerInvariant(), g => g.ToList()),
        users = state.Users,
        lines = state.Lines,
        requests = new { byMethod = state.RequestsByMethod, byStatus = state.RequestsByStatus.ToDictionary(p => p.Key.ToString(System.Globalization.CultureInfo.InvariantCulture), p => p.Value) },
    };
}
