using System.Globalization;
using System.Text.Json.Nodes;
using FsBitrix.Sandbox.State;

namespace FsBitrix.Sandbox.Rest.Methods;

/// <summary>
/// <c>telephony.externalcall.finish</c>: deletes the live call (so a second finish fails), writes the
/// statistics row, hands created CRM entities to the finishing user, and hides the card for that user only.
/// </summary>
internal sealed class FinishMethod(PortalState state) : IRestMethod
{
    // Verbatim from the server code, unbalanced parenthesis included.
    internal const string CallNotFound = "Call is not found (call should be registered prior to finishing";

    public string Name => "telephony.externalcall.finish";

    public MethodResult Invoke(RestParams p)
    {
        if (!p.IsString("CALL_ID"))
        {
            throw new RestError(400, "INVALID_ARGUMENT", "CALL_ID must be a string");
        }

        string callId = p.String("CALL_ID")!;
        DateTimeOffset now = state.Time.GetUtcNow();
        SandboxFinishedCall stat = state.Write("finished", callId, () =>
        {
            if (!state.Live.TryGetValue(callId, out SandboxLiveCall? call))
            {
                throw RestError.Core(CallNotFound);
            }

            SandboxUser user = Users.Resolve(state, p);
            int duration = (int)Math.Max(0, p.Long("DURATION"));
            string status = p.String("STATUS_CODE") is { Length: > 0 } code ? code : duration > 0 ? "200" : "304";
            long vote = p.Long("VOTE");
            long? activity = call.CrmEntityId is null ? null : state.NewActivityId();

            for (int i = 0; i < state.Crm.Count; i++)
            {
                if (state.Crm[i].CreatedByCallId == callId)
                {
                    state.Crm[i] = state.Crm[i] with { AssignedById = user.Id };
                }
            }

            state.Live.Remove(callId);
            if (state.Cards.TryGetValue(callId, out HashSet<int>? viewers) && viewers.Remove(user.Id) && viewers.Count == 0)
            {
                state.Cards.Remove(callId);
            }

            var row = new SandboxFinishedCall(
                state.NewStatisticId(), callId, call.ExternalCallId, user.Id, call.PhoneNumber, call.LineNumber ?? "REST_APP:0", call.Type,
                duration, status, duration > 0 ? 1 : 0, p.Double("COST"), p.String("COST_CURRENCY") ?? string.Empty, p.String("FAILED_REASON") ?? string.Empty,
                vote is >= 1 and <= 5 ? (int)vote : null, p.Bool("ADD_TO_CHAT") ?? false, p.String("RECORD_URL") is { Length: > 0 } url ? url : null,
                call.CrmEntityType, call.CrmEntityId, activity, call.CallStartDate, now, null);
            state.AddFinished(row);
            return row;
        });

        var result = new JsonObject
        {
            ["CALL_ID"] = stat.CallId,
            ["EXTERNAL_CALL_ID"] = stat.ExternalCallId,
            ["PORTAL_USER_ID"] = stat.UserId,
            ["PHONE_NUMBER"] = stat.PhoneNumber,
            ["PORTAL_NUMBER"] = stat.PortalNumber,
            ["INCOMING"] = stat.Type.ToString(CultureInfo.InvariantCulture),
            ["CALL_DURATION"] = stat.Duration,
            ["CALL_START_DATE"] = new JsonObject(),
            ["CALL_STATUS"] = stat.CallStatus,
            ["CALL_VOTE"] = stat.Vote,
            ["COST"] = stat.Cost,
            ["COST_CURRENCY"] = stat.CostCurrency,
            ["CALL_FAILED_CODE"] = stat.StatusCode,
            ["CALL_FAILED_REASON"] = stat.FailedReason,
            ["REST_APP_ID"] = null,
            ["REST_APP_NAME"] = "Incoming webhook",
            ["CRM_ACTIVITY_ID"] = stat.CrmActivityId,
            ["COMMENT"] = null,
            ["CRM_ENTITY_TYPE"] = stat.CrmEntityType,
            ["CRM_ENTITY_ID"] = stat.CrmEntityId,
            ["ID"] = stat.Id,
        };
        if (stat.CrmActivityId is null)
        {
            result["ERRORS"] = new JsonObject { ["ACTIVITY_CREATION"] = "Could not find associated crm entity for the current call" };
        }

        return new MethodResult(result);
    }
}
