using FsBitrix.Bitrix24.Params;

namespace FsBitrix.Bitrix24.Users;

/// <summary><c>FILTER</c> of <c>user.get</c>, limited to the fields telephony needs.</summary>
public sealed record UserFilter
{
    /// <summary>All active employees: the extension directory's snapshot.</summary>
    public static UserFilter ActiveEmployees { get; } = new() { Active = true };

    public int? Id { get; init; }

    public string? UfPhoneInner { get; init; }

    /// <summary>True excludes dismissed users.</summary>
    public bool? Active { get; init; }

    /// <summary><c>employee</c>, <c>extranet</c> or <c>email</c>.</summary>
    public string? UserType { get; init; }

    internal BitrixParams ToParams()
    {
        var filter = new BitrixParams()
            .AddIfNotNull("ID", Id)
            .AddIfNotNull("UF_PHONE_INNER", UfPhoneInner)
            .AddIfNotNull("USER_TYPE", UserType);
        if (Active is { } active)
        {
            filter.Add("ACTIVE", active);
        }

        return filter;
    }
}
