using System.Net;
using System.Text.Json.Nodes;
using FsBitrix.Bitrix24.Tests.Support;
using FsBitrix.Sandbox;
using FsBitrix.Sandbox.Events;

namespace FsBitrix.Bitrix24.Tests.OAuth;

/// <summary>The sandbox as OAuth server and app-authenticated portal: install, code exchange, expiry, refresh, revocation.</summary>
public sealed class TokenTests
{
    private SignallingTimeProvider _time = null!;
    private SandboxPortal _portal = null!;

    [SetUp]
    public async Task StartAsync()
    {
        _time = new SignallingTimeProvider();
        _portal = await Portal.StartAsync(o =>
        {
            o.TimeProvider = _time;
            o.AccessTokenLifetime = TimeSpan.FromMinutes(5);
            o.ApplicationToken = "app-token-123";
            o.MemberId = "member-456";
        });
    }

    [TearDown]
    public async Task StopAsync() => await _portal.DisposeAsync();

    [Test]
    public async Task Install_posts_ONAPPINSTALL_with_tokens_that_open_the_rest_api()
    {
        using var handler = new EventHandlerStub();
        SentEvent sent = await _portal.App.InstallAsync(handler.Url, adminUserId: 1);
        (string contentType, Dictionary<string, string> form) = await handler.NextAsync();

        Assert.That(sent.HandlerStatus, Is.EqualTo(200));
        Assert.That(contentType, Does.StartWith("application/x-www-form-urlencoded"));
        Assert.That(form["event"], Is.EqualTo("ONAPPINSTALL"));
        Assert.That(form["data[INSTALLED]"], Is.EqualTo("Y"));
        Assert.That(form["auth[member_id]"], Is.EqualTo("member-456"));
        Assert.That(form["auth[application_token]"], Is.EqualTo("app-token-123"));
        Assert.That(form["auth[user_id]"], Is.EqualTo("1"));
        Assert.That(form["auth[expires_in]"], Is.EqualTo("300"));
        Assert.That(form["auth[expires]"], Is.EqualTo((_time.GetUtcNow().ToUnixTimeSeconds() + 300).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.That(form["auth[status]"], Is.EqualTo("L"));
        Assert.That(form["auth[client_endpoint]"], Is.EqualTo(_portal.App.ClientEndpoint.AbsoluteUri));
        Assert.That(form["auth[refresh_token]"], Has.Length.EqualTo(32));

        (HttpStatusCode status, JsonObject body) = await AppHttp.CallQueryAsync(_portal, form["auth[access_token]"], "user.get");
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), body.ToJsonString());
        (HttpStatusCode refreshed, JsonObject pair) = await AppHttp.RefreshAsync(_portal, form["auth[refresh_token]"]);
        Assert.That(refreshed, Is.EqualTo(HttpStatusCode.OK), pair.ToJsonString());
    }

    [Test]
    public async Task A_code_is_exchanged_once_for_the_documented_token_answer()
    {
        string code = _portal.App.IssueAuthorizationCode(userId: 1);
        (string, string)[] exchange = [("grant_type", "authorization_code"), ("client_id", _portal.App.ClientId), ("client_secret", _portal.App.ClientSecret), ("code", code)];

        (HttpStatusCode status, JsonObject body) = await AppHttp.TokenPostAsync(_portal, exchange);
        (HttpStatusCode again, JsonObject error) = await AppHttp.TokenPostAsync(_portal, exchange);

        Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(body.Select(p => p.Key), Is.EquivalentTo(new[]
        {
            "access_token", "client_endpoint", "domain", "expires", "expires_in", "member_id", "refresh_token", "scope", "server_endpoint", "status", "user_id",
        }));
        Assert.That(body["expires_in"]!.GetValue<long>(), Is.EqualTo(300));
        Assert.That(body["member_id"]!.GetValue<string>(), Is.EqualTo("member-456"));
        Assert.That(new Uri(body["server_endpoint"]!.GetValue<string>()).Authority, Is.EqualTo(_portal.App.TokenUrl.Authority), "the token URL is derived from server_endpoint's host");
        Assert.That(again, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(error.ToJsonString(), Is.EqualTo("""{"error":"invalid_grant","error_description":"Invalid grant"}"""));
    }

    [Test]
    public async Task A_code_older_than_30_seconds_is_refused()
    {
        string code = _portal.App.IssueAuthorizationCode();
        _time.Advance(TimeSpan.FromSeconds(30));

        (HttpStatusCode status, JsonObject body) = await AppHttp.TokenGetAsync(_portal,
            ("grant_type", "authorization_code"), ("client_id", _portal.App.ClientId), ("client_secret", _portal.App.ClientSecret), ("code", code));

        Assert.That(status, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(body["error"]!.GetValue<string>(), Is.EqualTo("invalid_grant"));
    }

    [Test]
    public async Task An_expired_token_gets_expired_token_and_a_refresh_brings_rest_back()
    {
        (string access, string refresh) = await AppHttp.AuthorizeAsync(_portal);
        (HttpStatusCode fresh, _) = await AppHttp.CallAsync(_portal, access, "telephony.externalcall.register", AppHttp.Incoming("uuid-1"));
        _time.Advance(TimeSpan.FromMinutes(5));

        (HttpStatusCode expired, JsonObject error) = await AppHttp.CallAsync(_portal, access, "telephony.externalcall.register", AppHttp.Incoming("uuid-2"));
        (HttpStatusCode refreshed, JsonObject pair) = await AppHttp.RefreshAsync(_portal, refresh);
        (HttpStatusCode after, JsonObject result) = await AppHttp.CallAsync(_portal, pair["access_token"]!.GetValue<string>(), "telephony.externalcall.register", AppHttp.Incoming("uuid-2"));
        (HttpStatusCode reused, JsonObject reusedError) = await AppHttp.RefreshAsync(_portal, refresh);

        Assert.That(fresh, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(expired, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(error.ToJsonString(), Is.EqualTo("""{"error":"expired_token","error_description":"The access token provided has expired"}"""));
        Assert.That(refreshed, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(pair["refresh_token"]!.GetValue<string>(), Is.Not.EqualTo(refresh), "every refresh rotates the refresh token");
        Assert.That(after, Is.EqualTo(HttpStatusCode.OK), result.ToJsonString());
        Assert.That(_portal.State.LiveCalls, Has.Count.EqualTo(2), "the expired call never ran");
        Assert.That(reused, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(reusedError["error"]!.GetValue<string>(), Is.EqualTo("invalid_grant"));
    }

    [Test]
    public async Task A_refresh_token_lives_180_days()
    {
        (_, string refresh) = await AppHttp.AuthorizeAsync(_portal);
        (_, string other) = await AppHttp.AuthorizeAsync(_portal);
        _time.Advance(TimeSpan.FromDays(180) - TimeSpan.FromSeconds(1));
        (HttpStatusCode inside, _) = await AppHttp.RefreshAsync(_portal, refresh);
        _time.Advance(TimeSpan.FromSeconds(1));
        (HttpStatusCode outside, _) = await AppHttp.RefreshAsync(_portal, other);

        Assert.That(inside, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(outside, Is.EqualTo(HttpStatusCode.BadRequest));
    }

    [Test]
    public async Task Wrong_client_credentials_are_invalid_client()
    {
        (_, string refresh) = await AppHttp.AuthorizeAsync(_portal);

        (HttpStatusCode status, JsonObject body) = await AppHttp.TokenGetAsync(_portal,
            ("grant_type", "refresh_token"), ("client_id", _portal.App.ClientId), ("client_secret", "wrong"), ("refresh_token", refresh));
        (HttpStatusCode stillGood, _) = await AppHttp.RefreshAsync(_portal, refresh);

        Assert.That(status, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(body.ToJsonString(), Is.EqualTo("""{"error":"invalid_client","error_description":"The client credentials are invalid"}"""));
        Assert.That(stillGood, Is.EqualTo(HttpStatusCode.OK), "a refused request does not use the refresh token up");
    }

    [Test]
    public async Task Revoked_refresh_tokens_are_refused_while_the_access_token_lives_on()
    {
        (string access, string refresh) = await AppHttp.AuthorizeAsync(_portal);
        _portal.App.RevokeRefreshTokens();

        (HttpStatusCode status, JsonObject body) = await AppHttp.RefreshAsync(_portal, refresh);
        (HttpStatusCode call, _) = await AppHttp.CallQueryAsync(_portal, access, "user.get");

        Assert.That(status, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(body["error"]!.GetValue<string>(), Is.EqualTo("invalid_grant"));
        Assert.That(call, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task An_uninstalled_app_loses_its_tokens_and_its_credentials()
    {
        (string access, string refresh) = await AppHttp.AuthorizeAsync(_portal);
        _portal.App.Uninstall();

        (HttpStatusCode refreshStatus, JsonObject refreshBody) = await AppHttp.RefreshAsync(_portal, refresh);
        (HttpStatusCode callStatus, JsonObject callBody) = await AppHttp.CallQueryAsync(_portal, access, "user.get");

        Assert.That(refreshStatus, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(refreshBody["error"]!.GetValue<string>(), Is.EqualTo("invalid_client"));
        Assert.That(callStatus, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(callBody["error"]!.GetValue<string>(), Is.EqualTo("invalid_token"));
    }

    [Test]
    public async Task Unknown_and_missing_tokens_are_refused_before_the_method_runs()
    {
        (HttpStatusCode unknown, JsonObject unknownBody) = await AppHttp.CallAsync(_portal, "nosuchtoken", "telephony.externalcall.register", AppHttp.Incoming("uuid-x"));
        (HttpStatusCode missing, JsonObject missingBody) = await Raw.GetAsync(new Uri(_portal.App.ClientEndpoint, "user.get"));

        Assert.That(unknown, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(unknownBody.ToJsonString(), Is.EqualTo("""{"error":"invalid_token","error_description":"The access token provided is invalid"}"""));
        Assert.That(missing, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(missingBody["error"]!.GetValue<string>(), Is.EqualTo("NO_AUTH_FOUND"));
        Assert.That(_portal.State.LiveCalls, Is.Empty);
    }

    [Test]
    public async Task The_token_may_ride_in_a_form_body_or_a_bearer_header()
    {
        (string access, _) = await AppHttp.AuthorizeAsync(_portal);

        (HttpStatusCode form, _) = await Raw.SendAsync(new HttpRequestMessage(HttpMethod.Post, new Uri(_portal.App.ClientEndpoint, "user.get.json"))
        {
            Content = new FormUrlEncodedContent([new("auth", access)]),
        });
        var bearer = new HttpRequestMessage(HttpMethod.Get, new Uri(_portal.App.ClientEndpoint, "user.get"));
        bearer.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", access);
        (HttpStatusCode header, _) = await Raw.SendAsync(bearer);

        Assert.That(form, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(header, Is.EqualTo(HttpStatusCode.OK));
    }
}
