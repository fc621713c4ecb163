using System.Text.RegularExpressions;

namespace FsBitrix.Tests.Support;

/// <summary>A <c>bgapi</c> the service sent to the fake FreeSWITCH: the command after <c>bgapi </c> and its Job-UUID.</summary>
internal sealed partial record BgapiCommand(string Command, string JobUuid)
{
    public string? OriginationUuid => Variable("origination_uuid");

    /// <summary>Every leg's <c>origination_uuid</c>, in dial-string order (one, or one per phone of a ring-all).</summary>
    public IReadOnlyList<string> LegUuids => [.. LegUuid().Matches(Command).Select(m => m.Groups[1].Value)];

    public string? BitrixCallId => Variable("bitrix_call_id");

    /// <summary>A variable of the rep's leg (the leading <c>{…}</c> block).</summary>
    public string? Variable(string name)
    {
        Match block = LeadingBlock().Match(Command);
        return block.Success
            ? block.Groups[1].Value.Split(',').Select(p => p.Split('=', 2)).Where(p => p[0] == name).Select(p => p[1]).FirstOrDefault()
            : null;
    }

    [GeneratedRegex(@"[{\[,]origination_uuid=([0-9a-f-]{36})[,}\]]")]
    private static partial Regex LegUuid();

    [GeneratedRegex(@"^originate \{([^}]*)\}")]
    private static partial Regex LeadingBlock();
}
