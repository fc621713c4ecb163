using System.Globalization;

namespace FsBitrix.AppMode;

/// <summary>
/// The portal's install call, in either shape (app-mode notes §2.1–2.2): ONAPPINSTALL with <c>auth[...]</c> fields
/// (an API-only app), or the install page's POST with <c>AUTH_ID</c>, <c>REFRESH_ID</c>, <c>AUTH_EXPIRES</c>,
/// <c>member_id</c>, <c>APPLICATION_TOKEN</c> and <c>DOMAIN</c>/<c>PROTOCOL</c> in the query.
/// </summary>
internal sealed record InstallCall(
    string AccessToken,
    string RefreshToken,
    TimeSpan ExpiresIn,
    string MemberId,
    string Domain,
    Uri ClientEndpoint,
    Uri? ServerEndpoint,
    string ApplicationToken,
    string Scope,
    int? UserId)
{
    public static bool TryRead(IReadOnlyDictionary<string, string> f, IReadOnlyDictionary<string, string> query, out InstallCall? call, out string error)
    {
        call = null;
        bool eventShape = Get(f, "auth[access_token]") is not null;
        if (eventShape && !string.Equals(Get(f, "event"), "ONAPPINSTALL", StringComparison.OrdinalIgnoreCase))
        {
            error = $"event '{Get(f, "event")}' is not ONAPPINSTALL";
            return false;
        }

        string? access = eventShape ? Get(f, "auth[access_token]") : Get(f, "AUTH_ID");
        string? refresh = eventShape ? Get(f, "auth[refresh_token]") : Get(f, "REFRESH_ID");
        string? member = eventShape ? Get(f, "auth[member_id]") : Get(f, "member_id");
        string? token = eventShape ? Get(f, "auth[application_token]") : Get(f, "APPLICATION_TOKEN");
        string? domain = eventShape ? Get(f, "auth[domain]") : Get(query, "DOMAIN") ?? Get(f, "DOMAIN");
        if (access is null || refresh is null || member is null || token is null || domain is null)
        {
            error = "the install call lacks an access token, refresh token, member_id, application_token or domain";
            return false;
        }

        string endpoint = (eventShape ? Get(f, "auth[client_endpoint]") : null)
            ?? $"{(Get(query, "PROTOCOL") ?? Get(f, "PROTOCOL") ?? "1") switch { "0" => "http", _ => "https" }}://{domain}/rest/";
        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out Uri? clientEndpoint))
        {
            error = "the install call's client_endpoint is not a URL";
            return false;
        }

        string? server = eventShape ? Get(f, "auth[server_endpoint]") : Get(f, "SERVER_ENDPOINT");
        // Bitrix24's access tokens live an hour; a lifetime no token has (none, or beyond a day — found by fuzzing: one
        // beyond what a TimeSpan holds threw) reads as that hour, so the token is renewed in time rather than trusted long.
        long expiresIn = Number(eventShape ? Get(f, "auth[expires_in]") : Get(f, "AUTH_EXPIRES")) is { } lifetime and > 0 and <= 86_400 ? lifetime : 3600;
        call = new InstallCall(access, refresh, TimeSpan.FromSeconds(expiresIn), member, domain, clientEndpoint,
            Uri.TryCreate(server, UriKind.Absolute, out Uri? s) ? s : null, token,
            (eventShape ? Get(f, "auth[scope]") : Get(f, "APPLICATION_SCOPE")) ?? string.Empty,
            Number(eventShape ? Get(f, "auth[user_id]") : null) is { } u and > 0 and <= int.MaxValue ? (int)u : null);
        error = string.Empty;
        return true;
    }

    /// <summary>Tokens left out: this shows in logs.</summary>
    public override string ToString() => $"install of member {MemberId} on {Domain}";

    private static string? Get(IReadOnlyDictionary<string, string> f, string key) =>
        f.TryGetValue(key, out string? v) && !string.IsNullOrWhiteSpace(v) ? v.Trim() : null;

    private static long? Number(string? s) => long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out long n) ? n : null;
}
