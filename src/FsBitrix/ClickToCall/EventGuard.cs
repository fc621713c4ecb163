using System.Security.Cryptography;
using System.Text;
using FsBitrix.Configuration;

namespace FsBitrix.ClickToCall;

/// <summary>
/// Decides whether an event comes from our portal: <c>auth[application_token]</c> must equal
/// <c>Bitrix:ApplicationToken</c> (compared in constant time, over hashes so not even the length leaks), and
/// <c>auth[domain]</c> / <c>auth[member_id]</c> must match when configured. Only <c>auth[application_token]</c>
/// counts: a token anywhere else is no token.
/// </summary>
internal sealed class EventGuard(BitrixSettings bitrix)
{
    private readonly byte[]? _token = string.IsNullOrEmpty(bitrix.ApplicationToken) ? null : Hash(bitrix.ApplicationToken);

    public bool TokenConfigured => _token is not null;

    /// <returns>Null when trusted, else why not (never containing the token).</returns>
    public string? Refusal(IReadOnlyDictionary<string, string> fields)
    {
        if (_token is null)
        {
            return "FsBitrix:Bitrix:ApplicationToken is not set, so no event can be trusted: copy the token from the "
                + "outgoing webhook's settings page in Bitrix24";
        }

        if (!fields.TryGetValue("auth[application_token]", out string? sent) || sent.Length == 0)
        {
            return "the event carries no auth[application_token]";
        }

        if (!CryptographicOperations.FixedTimeEquals(Hash(sent), _token))
        {
            return "auth[application_token] does not match FsBitrix:Bitrix:ApplicationToken";
        }

        if (!string.IsNullOrEmpty(bitrix.Domain)
            && !string.Equals(fields.GetValueOrDefault("auth[domain]"), bitrix.Domain, StringComparison.OrdinalIgnoreCase))
        {
            return $"auth[domain] is not {bitrix.Domain}";
        }

        if (!string.IsNullOrEmpty(bitrix.MemberId)
            && !string.Equals(fields.GetValueOrDefault("auth[member_id]"), bitrix.MemberId, StringComparison.Ordinal))
        {
            return "auth[member_id] does not match FsBitrix:Bitrix:MemberId";
        }

        return null;
    }

    private static byte[] Hash(string text) => SHA256.HashData(Encoding.UTF8.GetBytes(text));
}
