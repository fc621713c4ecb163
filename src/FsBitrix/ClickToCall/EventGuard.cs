using System.Security.Cryptography;
using System.Text;
using FsBitrix.Bitrix24.Auth;
using FsBitrix.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace FsBitrix.ClickToCall;

/// <summary>
/// Decides whether an event comes from our portal: <c>auth[application_token]</c> must equal the expected token
/// (compared in constant time, over hashes so not even the length leaks), and <c>auth[domain]</c> /
/// <c>auth[member_id]</c> must match. In webhook mode the expectations are <c>Bitrix:ApplicationToken</c>,
/// <c>Bitrix:Domain</c> and <c>Bitrix:MemberId</c> (the last two when set); in app mode they are the installation's,
/// always all three. Only <c>auth[application_token]</c> counts: a token anywhere else is no token.
/// </summary>
internal sealed class EventGuard
{
    private readonly BitrixSettings _bitrix;
    private readonly OAuthAuth? _app;
    private readonly byte[]? _webhookToken;

    public EventGuard(BitrixSettings bitrix, OAuthAuth? app = null)
    {
        _bitrix = bitrix;
        _app = app;
        _webhookToken = app is null && !string.IsNullOrEmpty(bitrix.ApplicationToken) ? Hash(bitrix.ApplicationToken) : null;
    }

    /// <summary>The guard of a portal: its installation's expectations in app mode, its settings' with a webhook.</summary>
    /// <param name="tenant">The company (empty: the default portal) whose installation app mode reads.</param>
    public static EventGuard For(BitrixSettings bitrix, IServiceProvider services, string tenant)
    {
        ArgumentNullException.ThrowIfNull(bitrix);
        return new EventGuard(bitrix, bitrix.IsAppMode
            ? services.GetRequiredService<AppMode.AppInstallations>().Find(tenant)?.Auth ?? throw new InvalidOperationException($"no installation for '{tenant}'")
            : null);
    }

    /// <summary>In app mode the token comes with the install, so it is never missing from the configuration.</summary>
    public bool TokenConfigured => _app is not null || _webhookToken is not null;

    /// <returns>Null when trusted, else why not (never containing the token).</returns>
    public string? Refusal(IReadOnlyDictionary<string, string> fields) => _app is null ? WebhookRefusal(fields) : AppRefusal(fields, _app.Grant);

    private string? WebhookRefusal(IReadOnlyDictionary<string, string> fields)
    {
        if (_webhookToken is null)
        {
            return "FsBitrix:Bitrix:ApplicationToken is not set, so no event can be trusted: copy the token from the "
                + "outgoing webhook's settings page in Bitrix24";
        }

        return TokenRefusal(fields, _webhookToken, "FsBitrix:Bitrix:ApplicationToken")
            ?? FieldRefusal(fields, "auth[domain]", _bitrix.Domain, StringComparison.OrdinalIgnoreCase, $"auth[domain] is not {_bitrix.Domain}")
            ?? FieldRefusal(fields, "auth[member_id]", _bitrix.MemberId, StringComparison.Ordinal, "auth[member_id] does not match FsBitrix:Bitrix:MemberId");
    }

    private static string? AppRefusal(IReadOnlyDictionary<string, string> fields, OAuthGrant? installed)
    {
        if (installed is null)
        {
            return "the local application is not installed yet, so no event can be trusted";
        }

        return TokenRefusal(fields, Hash(installed.ApplicationToken), "the installation's application_token")
            ?? FieldRefusal(fields, "auth[member_id]", installed.MemberId, StringComparison.Ordinal, "auth[member_id] is not the installation's")
            ?? FieldRefusal(fields, "auth[domain]", installed.Domain, StringComparison.OrdinalIgnoreCase, $"auth[domain] is not {installed.Domain}");
    }

    private static string? TokenRefusal(IReadOnlyDictionary<string, string> fields, byte[] expected, string expectedName)
    {
        if (!fields.TryGetValue("auth[application_token]", out string? sent) || sent.Length == 0)
        {
            return "the event carries no auth[application_token]";
        }

        return CryptographicOperations.FixedTimeEquals(Hash(sent), expected) ? null : $"auth[application_token] does not match {expectedName}";
    }

    private static string? FieldRefusal(IReadOnlyDictionary<string, string> fields, string key, string? expected, StringComparison comparison, string refusal) =>
        string.IsNullOrEmpty(expected) || string.Equals(fields.GetValueOrDefault(key), expected, comparison) ? null : refusal;

    private static byte[] Hash(string text) => SHA256.HashData(Encoding.UTF8.GetBytes(text));
}
