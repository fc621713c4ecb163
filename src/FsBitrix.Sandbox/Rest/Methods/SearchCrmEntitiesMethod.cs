using System.Globalization;
using System.Text.Json.Nodes;
using FsBitrix.Sandbox.State;

namespace FsBitrix.Sandbox.Rest.Methods;

/// <summary><c>telephony.externalcall.searchCrmEntities</c>: CRM records with this number and their responsible employee.</summary>
internal sealed class SearchCrmEntitiesMethod(PortalState state) : IRestMethod
{
    public string Name => "telephony.externalcall.searchcrmentities";

    public MethodResult Invoke(RestParams p)
    {
        string phone = p.String("PHONE_NUMBER")?.Trim() ?? string.Empty;
        if (phone.Length == 0)
        {
            throw RestError.ErrorCore("PHONE_NUMBER is empty");
        }

        JsonArray result = state.Read(() =>
        {
            var list = new JsonArray();
            foreach (SandboxCrmEntity entity in CrmLookup.FindByPhone(state, Phone.Normalize(phone)))
            {
                SandboxUser? owner = state.UsersById.GetValueOrDefault(entity.AssignedById);
                list.Add(new JsonObject
                {
                    ["CRM_ENTITY_TYPE"] = entity.EntityType,
                    ["CRM_ENTITY_ID"] = entity.Id,
                    ["ASSIGNED_BY_ID"] = entity.AssignedById,
                    ["NAME"] = entity.Name,
                    ["ASSIGNED_BY"] = new JsonObject
                    {
                        ["ID"] = entity.AssignedById.ToString(CultureInfo.InvariantCulture),
                        ["TIMEMAN_STATUS"] = owner?.TimemanStatus ?? "UNAVAILABLE",
                        ["USER_PHONE_INNER"] = owner?.UfPhoneInner,
                        ["WORK_PHONE"] = owner?.WorkPhone,
                        ["PERSONAL_PHONE"] = null,
                        ["PERSONAL_MOBILE"] = owner?.PersonalMobile,
                    },
                });
            }

            return list;
        });
        return new MethodResult(result);
    }
}
