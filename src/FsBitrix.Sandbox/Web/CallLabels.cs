namespace FsBitrix.Sandbox.Web;

/// <summary>
/// Words for the codes Bitrix24 stores, as its call statistics show them; kept on the server so the page
/// and any test read the same text.
/// </summary>
internal static class CallLabels
{
    /// <summary>The register/finish <c>TYPE</c>.</summary>
    public static string Direction(int type) => type switch
    {
        1 => "Outbound",
        2 => "Inbound",
        3 => "Redirected",
        4 => "Callback",
        5 => "Information",
        _ => $"Type {type}",
    };

    /// <summary>The finish <c>STATUS_CODE</c> (SIP-like; 603-S is a cancel on the portal's side).</summary>
    public static string Status(string code) => code switch
    {
        "200" => "Answered",
        "304" => "Missed",
        "603" => "Declined",
        "603-S" => "Cancelled",
        "486" => "Busy",
        "480" => "No answer",
        "484" => "Number unavailable",
        "404" => "Wrong number",
        "403" => "Forbidden",
        "402" => "Insufficient funds",
        "423" => "Blocked",
        "503" => "Unavailable",
        "OTHER" => "Other failure",
        _ => $"Status {code}",
    };

    /// <summary>The colour class of a status: answered, missed (nobody picked up) or failed.</summary>
    public static string Tone(string code) => code switch
    {
        "200" => "ok",
        "304" or "480" or "486" or "603" or "603-S" => "missed",
        _ => "failed",
    };

    /// <summary>Bitrix24's TIMEMAN_STATUS, as a presence word.</summary>
    public static string Presence(bool active, string timeman) => !active ? "Dismissed" : timeman switch
    {
        "OPENED" => "Working",
        "PAUSED" => "On a break",
        "CLOSED" => "Off work",
        _ => timeman,
    };
}
