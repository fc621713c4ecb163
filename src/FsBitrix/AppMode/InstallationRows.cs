using System.Data.Common;
using FsBitrix.Bitrix24.Auth;
using FsBitrix.Storage;

namespace FsBitrix.AppMode;

/// <summary>
/// The installation's rows as both stores read and write them (<see cref="InstallationStore"/> on SQLite,
/// <see cref="PostgresInstallationStore"/>): one SQL text per statement, one mapping.
/// </summary>
internal static class InstallationRows
{
    public const string Select = """
        SELECT member_id, domain, client_endpoint, server_endpoint, application_token, access_token, refresh_token,
               expires_at, scope, user_id, refusal
        FROM app_installations WHERE tenant = @tenant
        """;

    public const string Upsert = """
        INSERT INTO app_installations (tenant, member_id, domain, client_endpoint, server_endpoint, application_token,
            access_token, refresh_token, expires_at, scope, user_id, refusal, saved_at)
        VALUES (@tenant, @member, @domain, @client, @server, @app, @access, @refresh, @expires, @scope, @user, @refusal, @now)
        ON CONFLICT (tenant) DO UPDATE SET member_id = excluded.member_id, domain = excluded.domain,
            client_endpoint = excluded.client_endpoint, server_endpoint = excluded.server_endpoint,
            application_token = excluded.application_token, access_token = excluded.access_token,
            refresh_token = excluded.refresh_token, expires_at = excluded.expires_at, scope = excluded.scope,
            user_id = excluded.user_id, refusal = excluded.refusal, saved_at = excluded.saved_at
        """;

    public const string SelectEventsUrl = "SELECT url FROM app_events_urls WHERE tenant = @tenant";

    public const string UpsertEventsUrl =
        "INSERT INTO app_events_urls (tenant, url) VALUES (@tenant, @url) ON CONFLICT (tenant) DO UPDATE SET url = excluded.url";

    /// <summary>The grant of the current row of <see cref="Select"/>.</summary>
    public static OAuthGrant Read(DbDataReader r)
    {
        ArgumentNullException.ThrowIfNull(r);
        return new OAuthGrant
        {
            MemberId = r.GetString(0),
            Domain = r.GetString(1),
            ClientEndpoint = new Uri(r.GetString(2)),
            ServerEndpoint = r.IsDBNull(3) ? null : new Uri(r.GetString(3)),
            ApplicationToken = r.GetString(4),
            AccessToken = r.GetString(5),
            RefreshToken = r.GetString(6),
            ExpiresAt = DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(7)),
            Scope = r.GetString(8),
            UserId = r.IsDBNull(9) ? null : r.GetInt32(9),
            Refusal = r.IsDBNull(10) ? null : r.GetString(10),
        };
    }

    /// <summary>The parameters of <see cref="Upsert"/>.</summary>
    public static DbCommand BindUpsert(DbCommand save, string tenant, OAuthGrant grant, DateTimeOffset now) => save
        .With("tenant", tenant)
        .With("member", grant.MemberId)
        .With("domain", grant.Domain)
        .With("client", grant.ClientEndpoint.AbsoluteUri)
        .With("server", grant.ServerEndpoint?.AbsoluteUri)
        .With("app", grant.ApplicationToken)
        .With("access", grant.AccessToken)
        .With("refresh", grant.RefreshToken)
        .With("expires", grant.ExpiresAt.ToUnixTimeMilliseconds())
        .With("scope", grant.Scope)
        .With("user", grant.UserId)
        .With("refusal", grant.Refusal)
        .With("now", now.ToUnixTimeMilliseconds());

    public static Uri? EventsUrl(object? scalar) =>
        scalar is string url && Uri.TryCreate(url, UriKind.Absolute, out Uri? events) ? events : null;
}
