namespace FsBitrix.Bitrix24.Users;

/// <summary>Settings of <see cref="Bitrix24UserDirectory"/> (configuration key <c>FsBitrix:Users</c> for the static map).</summary>
public sealed class UserDirectoryOptions
{
    /// <summary>Extension → Bitrix24 user id, configured by hand. Wins over whatever <c>user.get</c> says.</summary>
    public IDictionary<string, int> StaticMap { get; } = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);

    /// <summary>How often the <c>user.get</c> snapshot is taken again.</summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Skip <c>user.get</c> entirely and use only <see cref="StaticMap"/>.</summary>
    public bool StaticOnly { get; set; }
}
