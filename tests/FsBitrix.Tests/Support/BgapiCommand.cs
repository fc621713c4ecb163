using System.Text.RegularExpressions;

namespace FsBitrix.Tests.Support;

/// <summary>A <c>bgapi</c> the service sent to the fake FreeSWITCH: the command after <c>bgapi </c> and its Job-UUID.</summary>
internal sealed partial record BgapiCommand(string Command, string JobUuid)
{
    public string? OriginationUuid => Variable("origination_uuid");

    public string? BitrixCallId => Variable("bitrix_call_id");

    /// <summary>A variable of the rep's leg (the leading <c>{…}</c> block).</summary>
    public string? Variable(string name)
    {
        Match block = LeadingBlock().Match(Command);
        return block.Success
            ? block.Groups[1].Value.Split(',').Select(p => p.Split('=', 2)).Where(p => p[0] == name).Select(p => p[1]).FirstOrDefault()
            : null;
    }

    [GeneratedRegex(@"^originate \{([^}]*)\}")]
    private static partial Regex LeadingBlock();
}
