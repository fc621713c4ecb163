namespace FsBitrix.Status;

/// <summary>The admin's status page at <c>/</c> (configuration <c>FsBitrix:Status</c>).</summary>
internal sealed class StatusSettings
{
    /// <summary>False: no page (nor its JSON) at all.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Unset: the page answers only on loopback (an SSH tunnel, or the server itself). Set: it also answers from
    /// elsewhere with this token, as <c>?token=</c> once (kept in a cookie) or <c>Authorization: Bearer</c>.
    /// </summary>
    public string? Token { get; set; }
}
