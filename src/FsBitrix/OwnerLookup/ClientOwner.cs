using FsBitrix.Bitrix24.Telephony;

namespace FsBitrix.OwnerLookup;

/// <summary>
/// Which employee owns the client: the CRM's matches of the caller's number come contacts first, then leads, then
/// companies; the first match whose responsible user has an extension and is at work wins.
/// </summary>
internal static class ClientOwner
{
    public static (string Extension, int UserId)? Choose(IReadOnlyList<CrmEntityMatch> matches, Func<int, string?> extensionOf,
        IReadOnlyCollection<string> notWorking)
    {
        foreach (CrmEntityMatch match in matches)
        {
            int userId = match.AssignedById ?? match.AssignedBy?.Id ?? 0;
            if (userId <= 0 || (match.AssignedBy?.TimemanStatus is { } status && notWorking.Contains(status, StringComparer.OrdinalIgnoreCase)))
            {
                continue;
            }

            if (extensionOf(userId) is { } extension)
            {
                return (extension, userId);
            }
        }

        return null;
    }
}
