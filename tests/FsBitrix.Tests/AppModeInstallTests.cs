using System.Net;
using FsBitrix.AppMode;
using FsBitrix.Bitrix24.Auth;
using FsBitrix.Sandbox.Events;
using FsBitrix.Sandbox.OAuth;
using FsBitrix.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace FsBitrix.Tests;

/// <summary>
/// <c>Bitrix:Auth=app</c>: the portal's install call is checked, its tokens and application_token stored in the
/// outbox's database (0600), the click-to-call events bound to this service and the configured lines added.
/// </summary>
[CancelAfter(60_000)]
public class AppModeInstallTests
{
    // Found by fuzzing (docs/FUZZING.md): a lifetime beyond what a TimeSpan holds threw from the install reader.
    [TestCase("355555555555600")]
    [TestCase("0")]
    [TestCase("-5")]
    [TestCase("86401")]
    public void An_install_with_a_token_lifetime_no_token_has_reads_as_the_hour_bitrix24_tokens_live(string expiresIn)
    {
        var fields = new Dictionary<string, string>
        {
            ["event"] = "ONAPPINSTALL", ["auth[access_token]"] = "a1", ["auth[refresh_token]"] = "r1", ["auth[member_id]"] = "m1",
            ["auth[application_token]"] = "t1", ["auth[domain]"] = "b24.example", ["auth[expires_in]"] = expiresIn,
        };

        Assert.That(FsBitrix.AppMode.InstallCall.TryRead(fields, new Dictionary<string, string>(), out FsBitrix.AppMode.InstallCall? call, out string error),
            Is.True, error);
        Assert.That(call!.ExpiresIn, Is.EqualTo(TimeSpan.FromHours(1)));
    }

    [Test]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task Install_stores_the_tokens_in_the_outbox_database_readable_by_the_service_user_only()
    {
        await using ServiceHarness h = await ServiceHarness.StartAsync(appMode: true);

        SentEvent sent = await h.Portal.App.InstallAsync(h.InstallUrl);

        Assert.That(sent.HandlerStatus, Is.EqualTo(200));
        OAuthGrant stored = (await new InstallationStore(h.DatabasePath, TimeProvider.System).LoadAsync(CancellationToken.None))!;
        Assert.That(stored, Is.Not.Null);
        Assert.That(stored.AccessToken, Is.EqualTo(Field(sent, "auth[access_token]")));
        Assert.That(stored.RefreshToken, Is.EqualTo(Field(sent, "auth[refresh_token]")));
        Assert.That(stored.ApplicationToken, Is.EqualTo(h.Portal.Options.ApplicationToken));
        Assert.That(stored.MemberId, Is.EqualTo(h.Portal.Options.MemberId));
        Assert.That(stored.ClientEndpoint, Is.EqualTo(h.Portal.App.ClientEndpoint));
        Assert.That(File.GetUnixFileMode(h.DatabasePath), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
        Assert.That(h.Service!.Services.GetRequiredService<OAuthAuth>().State.Status, Is.EqualTo(AppAuthStatus.Ready));
    }

    [Test]
    public async Task Install_binds_both_click_events_to_this_services_events_url_and_adds_the_lines()
    {
        await using ServiceHarness h = await ServiceHarness.StartAsync(o => o.Bitrix.Lines = [new() { Number = "74951234567", Name = "FreeSWITCH" }], appMode: true);

        await h.Portal.App.InstallAsync(h.InstallUrl);

        Assert.That(h.Portal.App.Bindings.All, Is.EquivalentTo(new[]
        {
            new EventBinding("ONEXTERNALCALLSTART", h.EventsUrl.AbsoluteUri, 0, false, string.Empty),
            new EventBinding("ONEXTERNALCALLBACKSTART", h.EventsUrl.AbsoluteUri, 0, false, string.Empty),
        }));
        Assert.That(h.Portal.App.Lines.All.Select(l => (l.Number, l.Name, l.OwnedByApp)), Is.EqualTo(new[] { ("74951234567", "FreeSWITCH", true) }));

        SentEvent again = await h.Portal.App.InstallAsync(h.InstallUrl);
        Assert.That(again.HandlerStatus, Is.EqualTo(200), "a reinstall finds its bindings and lines there and is fine with it");
        Assert.That(h.Portal.App.Bindings.All, Has.Count.EqualTo(2));
        Assert.That(h.Portal.App.Lines.All, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task An_install_whose_token_does_not_work_on_the_portal_is_refused_and_nothing_is_stored()
    {
        await using ServiceHarness h = await ServiceHarness.StartAsync(appMode: true);
        SentEvent genuine = await h.Portal.App.InstallAsync(h.InstallUrl);
        await using ServiceHarness other = await ServiceHarness.StartAsync(appMode: true);

        // The genuine fields, but aimed at a service installed nowhere and with a made-up token.
        HttpStatusCode status = await PostAsync(other.InstallUrl, Replace(genuine, "auth[access_token]", "0123456789abcdef0123456789abcdef"));

        Assert.That(status, Is.EqualTo(HttpStatusCode.Forbidden).Or.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(await new InstallationStore(other.DatabasePath, TimeProvider.System).LoadAsync(CancellationToken.None), Is.Null);
    }

    [Test]
    public async Task An_install_from_another_member_id_is_refused_once_installed()
    {
        await using ServiceHarness h = await ServiceHarness.StartAsync(appMode: true);
        SentEvent genuine = await h.Portal.App.InstallAsync(h.InstallUrl);

        HttpStatusCode status = await PostAsync(h.InstallUrl, Replace(genuine, "auth[member_id]", "another-portal"));

        Assert.That(status, Is.EqualTo(HttpStatusCode.Forbidden));
        OAuthGrant stored = (await new InstallationStore(h.DatabasePath, TimeProvider.System).LoadAsync(CancellationToken.None))!;
        Assert.That(stored.MemberId, Is.EqualTo(h.Portal.Options.MemberId));
    }

    [Test]
    public async Task The_install_page_shape_with_AUTH_ID_and_REFRESH_ID_is_accepted_too()
    {
        await using ServiceHarness h = await ServiceHarness.StartAsync(appMode: true);
        await using ServiceHarness donor = await ServiceHarness.StartAsync(appMode: true);
        SentEvent tokens = await h.Portal.App.InstallAsync(donor.InstallUrl);

        var form = new List<KeyValuePair<string, string>>
        {
            new("AUTH_ID", Field(tokens, "auth[access_token]")),
            new("AUTH_EXPIRES", "3600"),
            new("REFRESH_ID", Field(tokens, "auth[refresh_token]")),
            new("SERVER_ENDPOINT", Field(tokens, "auth[server_endpoint]")),
            new("member_id", h.Portal.Options.MemberId),
            new("APPLICATION_TOKEN", h.Portal.Options.ApplicationToken),
            new("APPLICATION_SCOPE", "crm,telephony,user"),
            new("PLACEMENT", "DEFAULT"),
        };
        HttpStatusCode status = await PostAsync(new Uri(h.InstallUrl, $"?DOMAIN={h.Portal.BaseUrl.Authority}&PROTOCOL=0&LANG=en&APP_SID=x"), form);

        Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
        OAuthGrant stored = (await new InstallationStore(h.DatabasePath, TimeProvider.System).LoadAsync(CancellationToken.None))!;
        Assert.That(stored.RefreshToken, Is.EqualTo(Field(tokens, "auth[refresh_token]")));
        Assert.That(stored.ClientEndpoint, Is.EqualTo(h.Portal.App.ClientEndpoint));
    }

    [Test]
    public async Task An_install_naming_another_portal_than_Bitrix_Domain_is_refused()
    {
        await using ServiceHarness h = await ServiceHarness.StartAsync(o => o.Bitrix.Domain = "elsewhere.bitrix24.com", appMode: true);

        SentEvent sent = await h.Portal.App.InstallAsync(h.InstallUrl);

        Assert.That(sent.HandlerStatus, Is.EqualTo(403));
        Assert.That(await new InstallationStore(h.DatabasePath, TimeProvider.System).LoadAsync(CancellationToken.None), Is.Null);
    }

    internal static string Field(SentEvent sent, string key) => sent.Fields.Single(f => f.Key == key).Value;

    internal static List<KeyValuePair<string, string>> Replace(SentEvent sent, string key, string value) =>
        [.. sent.Fields.Select(f => f.Key == key ? new KeyValuePair<string, string>(key, value) : f)];

    internal static async Task<HttpStatusCode> PostAsync(Uri url, IEnumerable<KeyValuePair<string, string>> form)
    {
        using var http = new HttpClient();
        using var content = new FormUrlEncodedContent(form);
        using HttpResponseMessage response = await http.PostAsync(url, content);
        return response.StatusCode;
    }
}
