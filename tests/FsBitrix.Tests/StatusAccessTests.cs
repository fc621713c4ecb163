using System.Net;
using FsBitrix.Bitrix24.Errors;
using FsBitrix.Status;
using Microsoft.AspNetCore.Http;

namespace FsBitrix.Tests;

/// <summary>
/// Who may see the status page: loopback always; from elsewhere only with <c>Status:Token</c>. The remote address is
/// set on the request object, nothing is sent anywhere.
/// </summary>
public class StatusAccessTests
{
    private static readonly IPAddress Elsewhere = IPAddress.Parse("203.0.113.5");

    [Test]
    public void Loopback_sees_the_page_without_a_token()
    {
        Assert.That(StatusEndpoint.Refused(Request(IPAddress.Loopback), new StatusSettings()), Is.Null);
        Assert.That(StatusEndpoint.Refused(Request(IPAddress.IPv6Loopback), new StatusSettings { Token = "s3cret" }), Is.Null);
    }

    [TestCase("X-Forwarded-For", "198.51.100.7")]
    [TestCase("Forwarded", "for=198.51.100.7")]
    [TestCase("X-Real-IP", "198.51.100.7")]
    public void A_request_a_reverse_proxy_forwarded_needs_the_token_though_it_comes_from_loopback(string header, string value)
    {
        HttpContext http = Request(IPAddress.Loopback);
        http.Request.Headers[header] = value;

        Assert.That(StatusEndpoint.Refused(http, new StatusSettings()), Is.Not.Null);
        http.Request.Headers.Authorization = "Bearer s3cret";
        Assert.That(StatusEndpoint.Refused(http, new StatusSettings { Token = "s3cret" }), Is.Null);
    }

    [Test]
    public void Elsewhere_without_a_configured_token_is_refused_with_how_to_get_in()
    {
        IResult? refused = StatusEndpoint.Refused(Request(Elsewhere), new StatusSettings());

        Assert.That(refused, Is.InstanceOf<Microsoft.AspNetCore.Http.HttpResults.ContentHttpResult>());
        var content = (Microsoft.AspNetCore.Http.HttpResults.ContentHttpResult)refused!;
        Assert.That(content.StatusCode, Is.EqualTo(403));
        Assert.That(content.ResponseContent, Does.Contain("ssh -L").And.Contain("FsBitrix:Status:Token"));
    }

    [TestCase("?token=s3cret", null, null, true)]
    [TestCase("", "fsbitrix_status=s3cret", null, true)]
    [TestCase("", null, "Bearer s3cret", true)]
    [TestCase("?token=wrong", null, null, false)]
    [TestCase("", null, "Bearer s3cre", false)]
    [TestCase("", null, null, false)]
    public void Elsewhere_the_token_opens_it_and_nothing_else_does(string query, string? cookie, string? authorization, bool allowed)
    {
        HttpContext http = Request(Elsewhere);
        http.Request.QueryString = new QueryString(query);
        if (cookie is not null)
        {
            http.Request.Headers.Cookie = cookie;
        }

        if (authorization is not null)
        {
            http.Request.Headers.Authorization = authorization;
        }

        IResult? refused = StatusEndpoint.Refused(http, new StatusSettings { Token = "s3cret" });

        Assert.That(refused is null, Is.EqualTo(allowed));
    }

    [TestCase(Bitrix24ErrorKind.Transient, "Bitrix24 did not answer")]
    [TestCase(Bitrix24ErrorKind.Authorization, "FsBitrix:Bitrix:WebhookUrl")]
    [TestCase(Bitrix24ErrorKind.RateLimited, "request limit")]
    [TestCase(Bitrix24ErrorKind.OperationTimeLimit, "operating time")]
    [TestCase(Bitrix24ErrorKind.BadRequest, "not sent again")]
    public void Each_kind_of_bitrix24_error_says_what_to_do(Bitrix24ErrorKind kind, string advice)
    {
        Assert.That(ErrorAdvice.For(kind, "whatever"), Does.Contain(advice));
    }

    [Test]
    public void A_missing_recording_and_an_unmapped_extension_say_what_to_fix()
    {
        Assert.That(ErrorAdvice.For(null, "recording /x.wav never appeared complete on disk"), Does.Contain("recordings folder"));
        Assert.That(ErrorAdvice.For(null, "extension 1009 has no Bitrix24 user (set UF_PHONE_INNER or the Users map)"), Does.Contain("UF_PHONE_INNER"));
    }

    private static HttpContext Request(IPAddress remote)
    {
        var http = new DefaultHttpContext();
        http.Connection.RemoteIpAddress = remote;
        return http;
    }
}
