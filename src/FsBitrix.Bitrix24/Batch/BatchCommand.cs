using FsBitrix.Bitrix24.Params;
using FsBitrix.Bitrix24.Retry;

namespace FsBitrix.Bitrix24.Batch;

/// <summary>
/// One entry of <c>batch</c>'s <c>cmd</c>: sent as <c>method?PHP-style query</c>. Parameters may refer to
/// earlier results with <c>$result[key][FIELD]</c>.
/// </summary>
public sealed record BatchCommand(string Key, string Method, BitrixParams Parameters, RetryRule Rule = RetryRule.Idempotent)
{
    internal string ToCommandLine()
    {
        string query = ParamsWriter.ToQuery(Parameters);
        return query.Length == 0 ? Method : $"{Method}?{query}";
    }
}
