using FsBitrix.Bitrix24.Auth;
using FsBitrix.Bitrix24.Errors;
using FsBitrix.Bitrix24.RateLimiting;
using FsBitrix.Bitrix24.Retry;
using FsBitrix.Bitrix24.Tests.Support;
using FsBitrix.Bitrix24.Users;
using FsBitrix.Sandbox;

namespace FsBitrix.Bitrix24.Tests.OAuth;

/// <summary>
/// The client in app mode: the same calls as with a webhook, an access token renewed ahead of expiry on the
/// client's clock, one renewal and one resend after the portal's <c>expired_token</c>, a refused renewal that
/// parks the auth until the next install, and no secret in logs or messages.
/// </summary>
public sealed class AppClientTests
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);
    private SignallingTimeProvider _portalTime = null!;
    private SandboxPortal _portal = null!;

    [SetUp]
    public async Task StartAsync()
    {
        _portalTime = new SignallingTimeProvider();
        _portal = await Portal.StartAsync(o =>
        {
            o.TimeProvider = _portalTime;
            o.AccessTokenLifetime = Lifetime;
        });
    }

    [TearDown]
    public async Task StopAsync() => await _portal.DisposeAsync();

    [Test]
    public async Task Calls_go_to_the_client_endpoint_with_the_access_token_and_no_refresh_while_it_is_fresh()
    {
        (OAuthAuth auth, MemoryGrantStore store, Bitrix24Client client) = await AppClientAsync(_portalTime);

        IReadOnlyList<Bitrix24User> users = await client.GetUsersAsync(UserFilter.ActiveEmployees);

        Assert.That(users, Is.Not.Empty);
        Assert.That(store.Saves, Is.Zero, "no renewal while the token is fresh");
        Assert.That(client.Webhook, Is.Null);
        Assert.That(auth.State.Status, Is.EqualTo(AppAuthStatus.Ready));
        Dispose(auth, client);
    }

    [Test]
    public async Task A_token_close_to_expiry_on_the_clients_clock_is_renewed_before_the_call()
    {
        (OAuthAuth auth, MemoryGrantStore store, Bitrix24Client client) = await AppClientAsync(_portalTime, refreshAhead: TimeSpan.FromMinutes(2));
        string first = store.Grant!.AccessToken;

        _portalTime.Advance(Lifetime - TimeSpan.FromMinutes(1));
        await client.GetUsersAsync(UserFilter.ActiveEmployees);

        Assert.That(store.Saves, Is.EqualTo(1), "renewed once, ahead of expiry");
        Assert.That(store.Grant!.AccessToken, Is.Not.EqualTo(first));
        Assert.That(_portal.State.StatusCount(401), Is.Zero, "no request was refused: the renewal came first");
        Dispose(auth, client);
    }

    [Test]
    public async Task Expired_token_on_the_portals_clock_is_renewed_once_and_the_call_resent()
    {
        var clientTime = new SignallingTimeProvider();
        (OAuthAuth auth, MemoryGrantStore store, Bitrix24Client client) = await AppClientAsync(clientTime, refreshAhead: TimeSpan.Zero, retries: 0);

        _portalTime.Advance(Lifetime + TimeSpan.FromSeconds(1));
        IReadOnlyList<Bitrix24User> users = await client.GetUsersAsync(UserFilter.ActiveEmployees);

        Assert.That(users, Is.Not.Empty, "the call went through although retries are off: the renewal resend is not a retry");
        Assert.That(store.Saves, Is.EqualTo(1));
        Assert.That(_portal.State.StatusCount(401), Is.EqualTo(1), "one expired_token, then success");
        Dispose(auth, client);
    }

    [Test]
    public async Task Concurrent_calls_after_expiry_share_one_renewal()
    {
        var clientTime = new SignallingTimeProvider();
        (OAuthAuth auth, MemoryGrantStore store, Bitrix24Client client) = await AppClientAsync(clientTime, refreshAhead: TimeSpan.Zero, retries: 0);

        _portalTime.Advance(Lifetime + TimeSpan.FromSeconds(1));
        await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => client.GetUsersAsync(UserFilter.ActiveEmployees)));

        Assert.That(store.Saves, Is.EqualTo(1), "a rotated refresh token used twice would be invalid_grant for the loser");
        Dispose(auth, client);
    }

    [Test]
    public async Task A_refused_renewal_parks_the_auth_until_the_next_install_and_says_why()
    {
        var logs = new LogCapture();
        (OAuthAuth auth, MemoryGrantStore store, Bitrix24Client client) = await AppClientAsync(_portalTime, logs: logs);
        int changes = 0;
        auth.StateChanged += _ => Interlocked.Increment(ref changes);

        _portal.App.RevokeRefreshTokens();
        _portalTime.Advance(Lifetime + TimeSpan.FromSeconds(1));
        Bitrix24Exception refused = Assert.ThrowsAsync<Bitrix24Exception>(() => client.GetUsersAsync(UserFilter.ActiveEmployees))!;
        int usersAsked = _portal.State.RequestCount("user.get");
        Bitrix24Exception again = Assert.ThrowsAsync<Bitrix24Exception>(() => client.GetUsersAsync(UserFilter.ActiveEmployees))!;

        Assert.That(refused.Kind, Is.EqualTo(Bitrix24ErrorKind.Authorization));
        Assert.That(refused.Error, Is.EqualTo("REFRESH_REFUSED"));
        Assert.That(refused.ErrorDescription, Does.Contain("invalid_grant").And.Contain("reinstall"));
        Assert.That(again.Error, Is.EqualTo("REFRESH_REFUSED"));
        Assert.That(_portal.State.RequestCount("user.get"), Is.EqualTo(usersAsked), "parked: nothing sent while refused");
        Assert.That(auth.State.Status, Is.EqualTo(AppAuthStatus.Refused));
        Assert.That(changes, Is.EqualTo(1));
        Assert.That(logs.Count(Microsoft.Extensions.Logging.LogLevel.Critical, "refused to renew"), Is.EqualTo(1));

        await auth.InstallAsync(await GrantAsync(_portal, _portalTime), CancellationToken.None);
        Assert.That(await client.GetUsersAsync(UserFilter.ActiveEmployees), Is.Not.Empty, "works again after the reinstall");
        Assert.That(auth.State.Status, Is.EqualTo(AppAuthStatus.Ready));
        Assert.That(changes, Is.EqualTo(2));
        Dispose(auth, client);
    }

    [Test]
    public async Task A_refusal_is_remembered_across_a_restart_so_the_OAuth_server_is_not_asked_again()
    {
        (OAuthAuth auth, MemoryGrantStore store, Bitrix24Client client) = await AppClientAsync(_portalTime);
        _portal.App.RevokeRefreshTokens();
        _portalTime.Advance(Lifetime + TimeSpan.FromSeconds(1));
        Assert.ThrowsAsync<Bitrix24Exception>(() => client.GetUsersAsync(UserFilter.ActiveEmployees));
        Dispose(auth, client);

        using var restarted = new OAuthAuth(new OAuthAppOptions { ClientId = _portal.App.ClientId, ClientSecret = _portal.App.ClientSecret, TokenUrl = _portal.App.TokenUrl }, store, _portalTime);
        await restarted.LoadAsync(CancellationToken.None);

        Assert.That(restarted.State.Status, Is.EqualTo(AppAuthStatus.Refused));
        Assert.That(restarted.State.Problem, Does.Contain("reinstall"));
    }

    [Test]
    public async Task Not_installed_fails_at_once_without_a_request()
    {
        var auth = new OAuthAuth(new OAuthAppOptions { ClientId = _portal.App.ClientId, ClientSecret = _portal.App.ClientSecret }, new MemoryGrantStore());
        using Bitrix24Client client = Portal.Client(_portal, auth: auth);

        Bitrix24Exception e = Assert.ThrowsAsync<Bitrix24Exception>(() => client.GetUsersAsync(UserFilter.ActiveEmployees))!;

        Assert.That(e.Error, Is.EqualTo("NOT_INSTALLED"));
        Assert.That(_portal.State.RequestCount("user.get"), Is.Zero);
        auth.Dispose();
    }

    [Test]
    public async Task Secrets_stay_out_of_logs_and_messages()
    {
        var logs = new LogCapture();
        (OAuthAuth auth, MemoryGrantStore store, Bitrix24Client client) = await AppClientAsync(_portalTime, logs: logs);
        OAuthGrant grant = store.Grant!;

        _portal.App.RevokeRefreshTokens();
        _portalTime.Advance(Lifetime + TimeSpan.FromSeconds(1));
        Bitrix24Exception e = Assert.ThrowsAsync<Bitrix24Exception>(() => client.GetUsersAsync(UserFilter.ActiveEmployees))!;

        foreach (string secret in new[] { grant.AccessToken, grant.RefreshToken, grant.ApplicationToken, _portal.App.ClientSecret })
        {
            Assert.That(logs.AllText, Does.Not.Contain(secret));
            Assert.That(e.ToString(), Does.Not.Contain(secret));
            Assert.That(auth.Describe + grant, Does.Not.Contain(secret));
        }

        Dispose(auth, client);
    }

    [Test]
    public async Task Webhook_WRONG_AUTH_TYPE_is_classified_as_a_call_for_app_mode()
    {
        _portal.Faults.Add(new Sandbox.Faults.SandboxFault(Sandbox.Faults.SandboxFaultKind.WrongAuthType));
        using Bitrix24Client client = Portal.Client(_portal);

        Bitrix24Exception e = Assert.ThrowsAsync<Bitrix24Exception>(() => client.CallAsync(Bitrix24Methods.ExternalLineGet, new Params.BitrixParams(), RetryRule.Idempotent, _ => true))!;

        Assert.That(e.IsWrongAuthType, Is.True);
        Assert.That(e.Kind, Is.EqualTo(Bitrix24ErrorKind.Authorization));
        Assert.That(e.IsRenewableAuth, Is.False);
    }

    private async Task<(OAuthAuth Auth, MemoryGrantStore Store, Bitrix24Client Client)> AppClientAsync(
        TimeProvider clientTime, TimeSpan? refreshAhead = null, int retries = 3, LogCapture? logs = null)
    {
        logs ??= new LogCapture();
        var store = new MemoryGrantStore(await GrantAsync(_portal, clientTime));
        var auth = new OAuthAuth(
            new OAuthAppOptions { ClientId = _portal.App.ClientId, ClientSecret = _portal.App.ClientSecret, TokenUrl = _portal.App.TokenUrl, RefreshAhead = refreshAhead ?? TimeSpan.FromMinutes(1) },
            store, clientTime, logs.For<OAuthAuth>());
        Bitrix24Client client = Portal.Client(_portal, o => o.Retry = o.Retry with { MaxRetryAttempts = retries }, logs, clientTime, auth: auth);
        return (auth, store, client);
    }

    private static async Task<OAuthGrant> GrantAsync(SandboxPortal portal, TimeProvider clientTime)
    {
        (string access, string refresh) = await AppHttp.AuthorizeAsync(portal);
        return new OAuthGrant
        {
            AccessToken = access,
            RefreshToken = refresh,
            ExpiresAt = clientTime.GetUtcNow() + Lifetime,
            ClientEndpoint = portal.App.ClientEndpoint,
            MemberId = portal.Options.MemberId,
            Domain = portal.BaseUrl.Authority,
            ApplicationToken = portal.Options.ApplicationToken,
        };
    }

    private static void Dispose(OAuthAuth auth, Bitrix24Client client)
    {
        client.Dispose();
        auth.Dispose();
    }
}
