using FsBitrix.Sandbox.State;

namespace FsBitrix.Sandbox.Rest.Methods;

/// <summary>CRM search by phone: contacts, then leads, then companies (CCrmSipHelper::findByPhoneNumber).</summary>
internal static class CrmLookup
{
    private static readonly string[] Order = ["CONTACT", "LEAD", "COMPANY"];

    /// <summary>Call under the state lock.</summary>
    public static List<SandboxCrmEntity> FindByPhone(PortalState state, string normalized)
    {
        if (normalized.Length == 0)
        {
            return [];
        }

        return [.. state.Crm
            .Where(c => c.Phones.Any(p => Phone.Normalize(p) == normalized))
            .OrderBy(c => Array.IndexOf(Order, c.EntityType))
            .ThenBy(c => c.Id)];
    }

    public static SandboxCrmEntity? Find(PortalState state, string type, long id) =>
        state.Crm.FirstOrDefault(c => c.EntityType.Equals(type, StringComparison.OrdinalIgnoreCase) && c.Id == id);
}
