using FsBitrix.Sandbox.Events;
using FsBitrix.Sandbox.Rest.Methods;

namespace FsBitrix.Sandbox.OAuth;

/// <summary>
/// The portal's side of a server-side local application ("uses API only"): its OAuth grants, the install
/// call, its event bindings and offline queue, and its external lines. Tests drive the admin's actions here.
/// </summary>
public sealed class SandboxApp
{
    private readonly OAuthTokens _tokens;
    private readonly AppIdentity _identity;
    private readonly AppEventSender _sender;

    internal SandboxApp(OAuthTokens tokens, AppIdentity identity, AppEventSender sender, EventBindings bindings, OfflineQueue offline, ExternalLines lines)
    {
        _tokens = tokens;
        _identity = identity;
        _sender = sender;
        Bindings = bindings;
        Offline = offline;
        Lines = lines;
    }

    public string ClientId => _identity.Options.ClientId;

    public string ClientSecret => _identity.Options.ClientSecret;

    /// <summary>Where a client refreshes: <c>{BaseUrl}oauth/token/</c> (the host of <c>server_endpoint</c>).</summary>
    public Uri TokenUrl => new(new Uri(_identity.ServerEndpoint), "/oauth/token/");

    /// <summary><c>client_endpoint</c>: REST calls go to <c>{ClientEndpoint}{method}?auth=…</c>.</summary>
    public Uri ClientEndpoint => new(_identity.ClientEndpoint);

    public EventBindings Bindings { get; }

    public OfflineQueue Offline { get; }

    public ExternalLines Lines { get; }

    /// <summary>
    /// The admin saves the local-app form: ONAPPINSTALL goes once, as a form POST, to the "Path for initial
    /// installation", with the installing admin's access and refresh tokens. Never retried.
    /// </summary>
    public Task<SentEvent> InstallAsync(Uri installUrl, int adminUserId = 1, CancellationToken cancellationToken = default) =>
        _sender.SendInstallAsync(installUrl, _tokens.IssuePair(adminUserId), cancellationToken);

    /// <summary>The full OAuth flow's redirect: a <c>code</c> good for one exchange within 30 s.</summary>
    public string IssueAuthorizationCode(int userId = 1) => _tokens.IssueCode(userId);

    /// <summary>Every refresh token issued so far is refused with <c>invalid_grant</c>; the client must re-authorize.</summary>
    public void RevokeRefreshTokens() => _tokens.RevokeRefreshTokens();

    /// <summary>The app is deleted: tokens stop working and the token endpoint answers <c>invalid_client</c>.</summary>
    public void Uninstall() => _tokens.Uninstall();

    /// <summary>
    /// A rep clicks a number: the portal registers the call for the app, then delivers ONEXTERNALCALLSTART to
    /// every app row: POSTed to online handlers, queued for offline ones. Returns what was POSTed.
    /// </summary>
    public Task<IReadOnlyList<SentEvent>> ClickToCallAsync(ClickToCall click, CancellationToken cancellationToken = default) =>
        _sender.ClickToCallAsync(click, cancellationToken);
}
