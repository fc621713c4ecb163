namespace FsBitrix.OwnerLookup;

/// <summary>
/// <c>FsBitrix:OwnerLookup</c>: the client's owner in the CRM for any dialplan. A call handed to the socket with
/// <c>fsbitrix_lookup=owner</c> comes back to the dialplan with <c>bitrix_owner_extension</c> set (or unset).
/// </summary>
internal sealed class OwnerLookupSettings
{
    /// <summary>Listen on <c>Esl:OutboundListen</c> for lookups, and search the CRM with every inbound call's register.</summary>
    public bool Enabled { get; set; }

    /// <summary>How long a caller may wait for the CRM before the dialplan goes on without an owner.</summary>
    public TimeSpan Patience { get; set; } = TimeSpan.FromSeconds(1.5);

    /// <summary>Bitrix24 <c>TIMEMAN_STATUS</c> values of an owner who is not working now (not rung first).</summary>
    public string[] NotWorking { get; set; } = ["CLOSED", "PAUSED", "EXPIRED"];
}
