using System.Text.Json.Nodes;
using FsBitrix.Bitrix24.Errors;
using FsBitrix.Bitrix24.Retry;
using FsBitrix.Bitrix24.Telephony;
using FsBitrix.Bitrix24.Tests.Support;
using FsBitrix.Sandbox;
using FsBitrix.Sandbox.Faults;
using Microsoft.Extensions.Logging;

namespace FsBitrix.Bitrix24.Tests;

/// <summary>Retries follow each method's idempotency.</summary>
public sealed class RetryTests
{
    private const string FinishMethod = "telephony.externalcall.finish";
    private const string RegisterMethod = "telephony.externalcall.register";
    private SandboxPortal _portal = null!;
    private Bitrix24Client _client = null!;
    private LogCapture _logs = null!;

    [SetUp]
    public async Task StartAsync()
    {
        _portal = await Portal.StartAsync();
        _logs = new LogCapture();
        _client = Portal.Client(_portal, logs: _logs);
    }

    [TearDown]
    public async Task StopAsync()
    {
        _client.Dispose();
        await _portal.DisposeAsync();
    }

    [Test]
    public async Task Finish_is_retried_after_query_limit_because_bitrix_refused_it_before_running()
    {
        RegisteredCall call = await _client.RegisterCallAsync(Calls.Incoming());
        _portal.Faults.Add(new SandboxFault(SandboxFaultKind.QueryLimitExceeded) { Count = 2, Methods = [FinishMethod] });

        FinishResult result = await _client.FinishCallAsync(Calls.Finish(call.CallId));

        Assert.That(result.Outcome, Is.EqualTo(FinishOutcome.Finished));
        Assert.That(_portal.State.RequestCount(FinishMethod), Is.EqualTo(3));
        Assert.That(_portal.State.FinishedCalls, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task Finish_is_not_retried_after_a_server_error()
    {
        RegisteredCall call = await _client.RegisterCallAsync(Calls.Incoming());
        _portal.Faults.Add(new SandboxFault(SandboxFaultKind.InternalServerError) { Count = 1, Methods = [FinishMethod] });

        Bitrix24Exception e = Assert.ThrowsAsync<Bitrix24Exception>(() => _client.FinishCallAsync(Calls.Finish(call.CallId)))!;

        Assert.That(e.MayHaveExecuted, Is.True);
        Assert.That(_portal.State.RequestCount(FinishMethod), Is.EqualTo(1));
        // This 500 came before the method ran, so the caller's later finish is the real one.
        FinishResult later = await _client.FinishCallAsync(Calls.Finish(call.CallId));
        Assert.That(later.Outcome, Is.EqualTo(FinishOutcome.Finished));
    }

    [Test]
    public async Task Finish_whose_answer_was_lost_is_not_retried_and_a_later_call_not_found_counts_as_finished()
    {
        RegisteredCall call = await _client.RegisterCallAsync(Calls.Incoming());
        using Bitrix24Client impatient = Portal.Client(_portal, o => o.RequestTimeout = TimeSpan.FromMilliseconds(300));
        _portal.Faults.Add(new SandboxFault(SandboxFaultKind.Latency) { Count = 1, Methods = [FinishMethod], Latency = TimeSpan.FromSeconds(3) });

        Bitrix24Exception lost = Assert.ThrowsAsync<Bitrix24Exception>(() => impatient.FinishCallAsync(Calls.Finish(call.CallId)))!;
        Assert.That(lost.MayHaveExecuted, Is.True);
        await _portal.WaitForFinishAsync(call.CallId, Signal.Timeout);

        FinishResult again = await impatient.FinishCallAsync(Calls.Finish(call.CallId));

        Assert.That(again.Outcome, Is.EqualTo(FinishOutcome.AlreadyFinished));
        Assert.That(again.Call, Is.Null);
        Assert.That(_portal.State.FinishedCalls, Has.Count.EqualTo(1));
        Assert.That(_portal.State.RequestCount(FinishMethod), Is.EqualTo(2));
    }

    [Test]
    public async Task After_a_restart_the_caller_carries_the_ambiguity_and_gets_already_finished()
    {
        RegisteredCall call = await _client.RegisterCallAsync(Calls.Incoming());
        await _client.FinishCallAsync(Calls.Finish(call.CallId));
        using Bitrix24Client restarted = Portal.Client(_portal);

        FinishResult result = await restarted.FinishCallAsync(Calls.Finish(call.CallId) with { AfterAmbiguousAttempt = true });

        Assert.That(result.Outcome, Is.EqualTo(FinishOutcome.AlreadyFinished));
    }

    [Test]
    public async Task A_second_finish_without_any_earlier_ambiguity_is_an_error()
    {
        RegisteredCall call = await _client.RegisterCallAsync(Calls.Incoming());
        await _client.FinishCallAsync(Calls.Finish(call.CallId));

        Bitrix24Exception e = Assert.ThrowsAsync<Bitrix24Exception>(() => _client.FinishCallAsync(Calls.Finish(call.CallId)))!;

        Assert.That(e.Kind, Is.EqualTo(Bitrix24ErrorKind.CallNotFound));
    }

    [Test]
    public async Task Finish_is_retried_when_the_connection_is_refused()
    {
        using Bitrix24Client nowhere = Portal.Client(_portal, o => o.WebhookUrl = $"http://127.0.0.1:{ErrorTests.ClosedPort()}/rest/1/{Portal.Secret}/", _logs);

        Bitrix24Exception e = Assert.ThrowsAsync<Bitrix24Exception>(() => nowhere.FinishCallAsync(Calls.Finish("externalCall.a.1")))!;

        Assert.That(e.MayHaveExecuted, Is.False);
        Assert.That(_logs.Count(LogLevel.Warning, "Bitrix24 retry #"), Is.EqualTo(3));
        await Task.CompletedTask;
    }

    [Test]
    public async Task Register_whose_answer_was_lost_is_retried_with_the_same_external_call_id_and_gets_the_same_call()
    {
        using Bitrix24Client impatient = Portal.Client(_portal, o => o.RequestTimeout = TimeSpan.FromMilliseconds(300));
        _portal.Faults.Add(new SandboxFault(SandboxFaultKind.Latency) { Count = 1, Methods = [RegisterMethod], Latency = TimeSpan.FromSeconds(3) });

        RegisteredCall call = await impatient.RegisterCallAsync(Calls.Incoming("fs-uuid-retry"));

        string[] sentIds = [.. _portal.State.Requests.Where(r => r.Method == RegisterMethod)
            .Select(r => JsonNode.Parse(r.Parameters)!["EXTERNAL_CALL_ID"]!.GetValue<string>())];
        Assert.That(sentIds, Is.EqualTo(new[] { "fs-uuid-retry", "fs-uuid-retry" }));
        Assert.That(_portal.State.LiveCalls.Single().CallId, Is.EqualTo(call.CallId));
    }

    [Test]
    public async Task Show_is_retried_through_an_outage()
    {
        RegisteredCall call = await _client.RegisterCallAsync(Calls.Incoming() with { Show = false });
        _portal.Faults.StartOutage(requests: 2);

        Assert.That(await _client.ShowCallAsync(call.CallId, [3]), Is.True);
        Assert.That(_portal.State.RequestCount("telephony.externalcall.show"), Is.EqualTo(3));
    }

    [Test]
    public async Task Operation_time_limit_is_waited_out_until_operating_reset_at()
    {
        var time = new SignallingTimeProvider();
        await using SandboxPortal timed = await Portal.StartAsync(o => o.TimeProvider = time);
        using Bitrix24Client c = Portal.Client(timed, o => o.Retry = new RetryOptions { MaxRetryAttempts = 2, MaxOperatingLimitWait = TimeSpan.FromMinutes(15) }, time: time);
        await c.SearchCrmEntitiesAsync(Calls.KnownCustomer);
        DateTimeOffset started = time.GetUtcNow();
        timed.Faults.Add(new SandboxFault(SandboxFaultKind.OperationTimeLimit) { Count = 1 });
        int timers = time.TimersCreated;

        Task<IReadOnlyList<CrmEntityMatch>> search = c.SearchCrmEntitiesAsync(Calls.KnownCustomer);
        await time.WaitForTimersAsync(timers + 1);
        Assert.That(search.IsCompleted, Is.False, "must wait for operating_reset_at, not retry at once");
        time.Advance(TimeSpan.FromSeconds(600));

        Assert.That(await search.WaitAsync(Signal.Timeout), Has.Count.EqualTo(1));
        Assert.That(time.GetUtcNow() - started, Is.EqualTo(TimeSpan.FromSeconds(600)));
        Assert.That(timed.State.RequestCount("telephony.externalcall.searchcrmentities"), Is.EqualTo(3));
    }

    [Test]
    public void Retry_rule_table()
    {
        var rules = new RetryPipelines(new RetryOptions(), TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        static Bitrix24Exception E(Bitrix24ErrorKind kind, bool executed) => new("m", kind, 0, string.Empty, string.Empty, executed);

        Assert.Multiple(() =>
        {
            Assert.That(rules.ShouldRetry(E(Bitrix24ErrorKind.RateLimited, false), RetryRule.OnlyIfNotExecuted), Is.True);
            Assert.That(rules.ShouldRetry(E(Bitrix24ErrorKind.Transient, false), RetryRule.OnlyIfNotExecuted), Is.True);
            Assert.That(rules.ShouldRetry(E(Bitrix24ErrorKind.Transient, true), RetryRule.OnlyIfNotExecuted), Is.False);
            Assert.That(rules.ShouldRetry(E(Bitrix24ErrorKind.Transient, true), RetryRule.Idempotent), Is.True);
            Assert.That(rules.ShouldRetry(E(Bitrix24ErrorKind.Authorization, false), RetryRule.Idempotent), Is.False);
            Assert.That(rules.ShouldRetry(E(Bitrix24ErrorKind.CallNotFound, false), RetryRule.Idempotent), Is.False);
            Assert.That(rules.ShouldRetry(E(Bitrix24ErrorKind.BadRequest, false), RetryRule.Idempotent), Is.False);
            Assert.That(rules.ShouldRetry(E(Bitrix24ErrorKind.OperationTimeLimit, false), RetryRule.Idempotent), Is.False, "no RetryAt: nothing to wait for");
        });
    }
}
