using System.Net;
using System.Net.Sockets;
using FsBitrix.Bitrix24.Errors;
using FsBitrix.Bitrix24.Retry;
using FsBitrix.Bitrix24.Telephony;
using FsBitrix.Bitrix24.Tests.Support;
using FsBitrix.Sandbox;
using FsBitrix.Sandbox.Faults;
using Microsoft.Extensions.Logging;

namespace FsBitrix.Bitrix24.Tests;

/// <summary>Every error class, produced by the sandbox the way Bitrix24 produces it, with retries switched off.</summary>
public sealed class ErrorTests
{
    private SandboxPortal _portal = null!;
    private Bitrix24Client _client = null!;
    private LogCapture _logs = null!;

    [SetUp]
    public async Task StartAsync()
    {
        _portal = await Portal.StartAsync();
        _logs = new LogCapture();
        _client = Portal.Client(_portal, o => o.Retry = new RetryOptions { MaxRetryAttempts = 0 }, _logs);
    }

    [TearDown]
    public async Task StopAsync()
    {
        _client.Dispose();
        await _portal.DisposeAsync();
    }

    [Test]
    public async Task Query_limit_is_rate_limited_and_certainly_not_executed()
    {
        _portal.Faults.Add(new SandboxFault(SandboxFaultKind.QueryLimitExceeded) { Count = 1 });

        Bitrix24Exception e = Assert.ThrowsAsync<Bitrix24Exception>(() => _client.RegisterCallAsync(Calls.Incoming()))!;

        Assert.That(e.Kind, Is.EqualTo(Bitrix24ErrorKind.RateLimited));
        Assert.That(e.HttpStatus, Is.EqualTo(503));
        Assert.That(e.Error, Is.EqualTo("QUERY_LIMIT_EXCEEDED"));
        Assert.That(e.ErrorDescription, Is.EqualTo("Too many requests"));
        Assert.That(e.MayHaveExecuted, Is.False);
        Assert.That(_portal.State.LiveCalls, Is.Empty);
        await Task.CompletedTask;
    }

    [Test]
    public async Task Operation_time_limit_blocks_the_method_until_operating_reset_at_of_the_last_success()
    {
        var time = new SignallingTimeProvider();
        await using SandboxPortal timed = await Portal.StartAsync(o => o.TimeProvider = time);
        using Bitrix24Client c = Portal.Client(timed, o => o.Retry = new RetryOptions { MaxRetryAttempts = 0 }, time: time);
        await c.SearchCrmEntitiesAsync(Calls.KnownCustomer);
        DateTimeOffset expectedReset = DateTimeOffset.FromUnixTimeSeconds(time.GetUtcNow().ToUnixTimeSeconds() + 600);
        timed.Faults.Add(new SandboxFault(SandboxFaultKind.OperationTimeLimit) { Count = 1 });

        Bitrix24Exception first = Assert.ThrowsAsync<Bitrix24Exception>(() => c.SearchCrmEntitiesAsync(Calls.KnownCustomer))!;
        Bitrix24Exception second = Assert.ThrowsAsync<Bitrix24Exception>(() => c.SearchCrmEntitiesAsync(Calls.KnownCustomer))!;

        Assert.That(first.Kind, Is.EqualTo(Bitrix24ErrorKind.OperationTimeLimit));
        Assert.That(first.HttpStatus, Is.EqualTo(429));
        Assert.That(first.RetryAt, Is.EqualTo(expectedReset));
        Assert.That(second.Kind, Is.EqualTo(Bitrix24ErrorKind.OperationTimeLimit));
        Assert.That(second.HttpStatus, Is.Null, "the blocked method must not be sent again before the reset");
        Assert.That(timed.State.RequestCount("telephony.externalcall.searchcrmentities"), Is.EqualTo(2));
        Assert.That(await c.ShowCallAsync("externalCall.x.1", [2]), Is.False, "only the blocked method waits");

        time.Advance(TimeSpan.FromSeconds(601));
        Assert.That(await c.SearchCrmEntitiesAsync(Calls.KnownCustomer), Has.Count.EqualTo(1));
    }

    [Test]
    public void Wrong_webhook_code_is_an_authorization_error_logged_loudly()
    {
        using Bitrix24Client wrong = Portal.Client(_portal, o => o.WebhookUrl = new Uri(_portal.BaseUrl, "rest/1/wrongcode/").AbsoluteUri, _logs);

        Bitrix24Exception e = Assert.ThrowsAsync<Bitrix24Exception>(() => wrong.SearchCrmEntitiesAsync(Calls.KnownCustomer))!;

        Assert.That(e.Kind, Is.EqualTo(Bitrix24ErrorKind.Authorization));
        Assert.That(e.HttpStatus, Is.EqualTo(401));
        Assert.That(e.Error, Is.EqualTo("NO_AUTH_FOUND"));
        Assert.That(e.ErrorDescription, Is.EqualTo("Wrong authorization data"));
        Assert.That(_logs.Count(LogLevel.Critical, "NO_AUTH_FOUND"), Is.EqualTo(1));
    }

    [Test]
    public void Wrong_auth_type_hits_register_and_finish_but_not_show()
    {
        _portal.Faults.Add(new SandboxFault(SandboxFaultKind.WrongAuthType));

        Bitrix24Exception e = Assert.ThrowsAsync<Bitrix24Exception>(() => _client.RegisterCallAsync(Calls.Incoming()))!;

        Assert.That(e.Kind, Is.EqualTo(Bitrix24ErrorKind.Authorization));
        Assert.That(e.HttpStatus, Is.EqualTo(403));
        Assert.That(e.Error, Is.EqualTo("WRONG_AUTH_TYPE"));
        Assert.That(e.ErrorDescription, Is.EqualTo("Current authorization type is denied for this method"));
        Assert.DoesNotThrowAsync(() => _client.ShowCallAsync("externalCall.x.1", [2]));
    }

    [Test]
    public async Task Authorization_errors_are_not_retried()
    {
        using Bitrix24Client retrying = Portal.Client(_portal, logs: _logs);
        _portal.Faults.Add(new SandboxFault(SandboxFaultKind.WrongAuthType));

        Assert.ThrowsAsync<Bitrix24Exception>(() => retrying.RegisterCallAsync(Calls.Incoming()));

        Assert.That(_portal.State.RequestCount("telephony.externalcall.register"), Is.EqualTo(1));
        await Task.CompletedTask;
    }

    [Test]
    public async Task Finish_of_an_unknown_call_is_call_not_found_with_the_real_text_and_empty_code()
    {
        Bitrix24Exception e = Assert.ThrowsAsync<Bitrix24Exception>(() => _client.FinishCallAsync(Calls.Finish("externalCall.0123456789abcdef0123456789abcdef.1773130779")))!;

        Assert.That(e.Kind, Is.EqualTo(Bitrix24ErrorKind.CallNotFound));
        Assert.That(e.HttpStatus, Is.EqualTo(400));
        Assert.That(e.Error, Is.Empty);
        Assert.That(e.ErrorDescription, Is.EqualTo("Call is not found (call should be registered prior to finishing"));
        await Task.CompletedTask;
    }

    [Test]
    public async Task AttachRecord_before_finish_is_call_not_finished()
    {
        RegisteredCall call = await _client.RegisterCallAsync(Calls.Incoming());

        Bitrix24Exception e = Assert.ThrowsAsync<Bitrix24Exception>(() => _client.AttachRecordAsync(AttachRecordRequest.FromFile(call.CallId, "a.mp3", new byte[] { 1 })))!;

        Assert.That(e.Kind, Is.EqualTo(Bitrix24ErrorKind.CallNotFinished));
        Assert.That(e.Error, Is.EqualTo("ERROR_CORE"));
        Assert.That(e.ErrorDescription, Is.EqualTo("Call is not found in the statistic table. Looks like it is not finished yet."));
    }

    [Test]
    public void Business_error_with_an_empty_code_is_a_bad_request()
    {
        Bitrix24Exception e = Assert.ThrowsAsync<Bitrix24Exception>(() => _client.RegisterCallAsync(Calls.Incoming(userId: 5)))!;

        Assert.That(e.Kind, Is.EqualTo(Bitrix24ErrorKind.BadRequest));
        Assert.That(e.HttpStatus, Is.EqualTo(400));
        Assert.That(e.Error, Is.Empty);
        Assert.That(e.ErrorDescription, Is.EqualTo("User is not found or is not active"));
        Assert.That(e.MayHaveExecuted, Is.False);
    }

    [Test]
    public void Server_error_is_transient_and_may_have_executed()
    {
        _portal.Faults.Add(new SandboxFault(SandboxFaultKind.InternalServerError) { Count = 1 });

        Bitrix24Exception e = Assert.ThrowsAsync<Bitrix24Exception>(() => _client.SearchCrmEntitiesAsync(Calls.KnownCustomer))!;

        Assert.That(e.Kind, Is.EqualTo(Bitrix24ErrorKind.Transient));
        Assert.That(e.HttpStatus, Is.EqualTo(500));
        Assert.That(e.Error, Is.EqualTo("INTERNAL_SERVER_ERROR"));
        Assert.That(e.MayHaveExecuted, Is.True);
    }

    [Test]
    public void Html_error_page_is_not_parsed_as_json_and_is_transient()
    {
        _portal.Faults.Add(new SandboxFault(SandboxFaultKind.HtmlErrorPage) { Count = 1 });

        Bitrix24Exception e = Assert.ThrowsAsync<Bitrix24Exception>(() => _client.SearchCrmEntitiesAsync(Calls.KnownCustomer))!;

        Assert.That(e.Kind, Is.EqualTo(Bitrix24ErrorKind.Transient));
        Assert.That(e.HttpStatus, Is.EqualTo(502));
        Assert.That(e.Error, Is.Empty);
        Assert.That(e.ErrorDescription, Does.Contain("text/html").And.Contain("502 Bad Gateway"));
    }

    [Test]
    public void Outage_html_503_is_transient_not_rate_limited()
    {
        _portal.Faults.StartOutage(requests: 1);

        Bitrix24Exception e = Assert.ThrowsAsync<Bitrix24Exception>(() => _client.SearchCrmEntitiesAsync(Calls.KnownCustomer))!;

        Assert.That(e.Kind, Is.EqualTo(Bitrix24ErrorKind.Transient));
        Assert.That(e.HttpStatus, Is.EqualTo(503));
        Assert.That(e.MayHaveExecuted, Is.True);
    }

    [Test]
    public void Timeout_is_transient_and_may_have_executed()
    {
        _portal.Faults.Add(new SandboxFault(SandboxFaultKind.Latency) { Count = 1, Latency = TimeSpan.FromSeconds(3) });
        using Bitrix24Client impatient = Portal.Client(_portal, o =>
        {
            o.RequestTimeout = TimeSpan.FromMilliseconds(300);
            o.Retry = new RetryOptions { MaxRetryAttempts = 0 };
        });

        Bitrix24Exception e = Assert.ThrowsAsync<Bitrix24Exception>(() => impatient.SearchCrmEntitiesAsync(Calls.KnownCustomer))!;

        Assert.That(e.Kind, Is.EqualTo(Bitrix24ErrorKind.Transient));
        Assert.That(e.HttpStatus, Is.Null);
        Assert.That(e.ErrorDescription, Does.Contain("timed out"));
        Assert.That(e.MayHaveExecuted, Is.True);
    }

    [Test]
    public void Refused_connection_is_transient_and_certainly_not_executed()
    {
        using Bitrix24Client nowhere = Portal.Client(_portal, o =>
        {
            o.WebhookUrl = $"http://127.0.0.1:{ClosedPort()}/rest/1/{Portal.Secret}/";
            o.Retry = new RetryOptions { MaxRetryAttempts = 0 };
        });

        Bitrix24Exception e = Assert.ThrowsAsync<Bitrix24Exception>(() => nowhere.SearchCrmEntitiesAsync(Calls.KnownCustomer))!;

        Assert.That(e.Kind, Is.EqualTo(Bitrix24ErrorKind.Transient));
        Assert.That(e.HttpStatus, Is.Null);
        Assert.That(e.MayHaveExecuted, Is.False);
    }

    /// <summary>A loopback port that nothing listens on: bound, read, released.</summary>
    internal static int ClosedPort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}
