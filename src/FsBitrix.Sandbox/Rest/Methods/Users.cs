using FsBitrix.Sandbox.State;

namespace FsBitrix.Sandbox.Rest.Methods;

/// <summary><c>USER_ID</c> / <c>USER_PHONE_INNER</c> resolution shared by register and finish (Helper::getUserByPhone).</summary>
internal static class Users
{
    public const string NotSet = "USER_ID or USER_PHONE_INNER should be set";
    public const string NotFound = "User is not found or is not active";

    /// <summary>Call under the state lock.</summary>
    public static SandboxUser Resolve(PortalState state, RestParams p)
    {
        long userId = p.Long("USER_ID");
        if (userId > 0)
        {
            return state.UsersById.TryGetValue((int)userId, out SandboxUser? user) && user.Active && user.UserType == "employee"
                ? user
                : throw RestError.Core(NotFound);
        }

        string? inner = p.String("USER_PHONE_INNER")?.Trim();
        if (string.IsNullOrEmpty(inner))
        {
            throw RestError.Core(NotSet);
        }

        return state.UsersById.Values.FirstOrDefault(u => u.Active && u.UserType == "employee" && u.UfPhoneInner == inner)
            ?? throw RestError.Core(NotFound);
    }

    /// <summary>Any phone of an active employee, the way the CRM helper refuses to make leads of colleagues.</summary>
    public static bool IsEmployeePhone(PortalState state, string normalized) =>
        normalized.Length > 0 && state.UsersById.Values.Any(u => u.Active &&
            (Phone.Normalize(u.UfPhoneInner) == normalized || Phone.Normalize(u.PersonalMobile) == normalized || Phone.Normalize(u.WorkPhone) == normalized));
}
