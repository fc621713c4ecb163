using FsBitrix.Bitrix24.Batch;
using FsBitrix.Bitrix24.Errors;
using FsBitrix.Bitrix24.Retry;
using FsBitrix.Bitrix24.Telephony;
using FsBitrix.Bitrix24.Tests.Support;
using FsBitrix.Sandbox;

namespace FsBitrix.Bitrix24.Tests;

/// <summary>
/// The portal's per-method execution-time limit ("operating", summed over ten one-minute buckets), emulated by the
/// sandbox with a cost per run, and the client's pacing to it: a method near its limit is held, others go on.
/// </summary>
public sealed class OperatingTests
{
    private static SandboxOperating Limit(double seconds, double registerCost) => new()
    {
        Limit = TimeSpan.FromSeconds(seconds),
        Costs = new Dictionary<string, TimeSpan> { [Bitrix24Methods.Register] = TimeSpan.FromSeconds(registerCost) },
        DefaultCost = TimeSpan.FromSeconds(0.01),
    };

    private static RegisterCallRequest Register(string id) => new()
    {
        ExternalCallId = id, UserId = 2, PhoneNumber = Calls.KnownCustomer, Type = CallType.Incoming, CallStartDate = DateTimeOffset.UnixEpoch,
    };

    [Test]
    public async Task A_method_past_its_operating_time_is_refused_until_its_oldest_minute_goes_and_other_methods_go_on()
    {
        var time = new SignallingTimeProvider();
        await using SandboxPortal timed = await Portal.StartAsync(o => { o.TimeProvider = time; o.Operating = Limit(1, 0.4); });
        using Bitrix24Client c = Portal.Client(timed, o => { o.Retry = new RetryOptions { MaxRetryAttempts = 0 }; o.Operating = new OperatingOptions { Limit = TimeSpan.FromSeconds(100) }; }, time: time);
        DateTimeOffset reset = DateTimeOffset.FromUnixTimeSeconds((time.GetUtcNow().ToUnixTimeSeconds() / 60 + 10) * 60);

        RegisteredCall call = await c.RegisterCallAsync(Register("op-1"));
        await c.RegisterCallAsync(Register("op-2"));
        await c.RegisterCallAsync(Register("op-3"));
        Assert.That(c.Operating.Used(Bitrix24Methods.Register), Is.EqualTo(1.2).Within(0.001), "as the portal reported it");

        Bitrix24Exception refused = Assert.ThrowsAsync<Bitrix24Exception>(() => c.RegisterCallAsync(Register("op-4")))!;
        Assert.That((refused.Kind, refused.HttpStatus, refused.RetryAt), Is.EqualTo((Bitrix24ErrorKind.OperationTimeLimit, (int?)429, (DateTimeOffset?)reset)));
        Assert.That(await c.ShowCallAsync(call.CallId, [2]), Is.True, "only the used-up method waits");

        time.Advance(reset - time.GetUtcNow());
        Assert.That((await c.RegisterCallAsync(Register("op-4"))).CallId, Is.Not.Empty);
    }

    [Test]
    public async Task In_a_batch_the_used_up_method_fails_alone_and_the_client_holds_it_before_the_portal_would()
    {
        var time = new SignallingTimeProvider();
        await using SandboxPortal timed = await Portal.StartAsync(o => { o.TimeProvider = time; o.Operating = Limit(1, 0.6); });
        using Bitrix24Client c = Portal.Client(timed, o => { o.Retry = new RetryOptions { MaxRetryAttempts = 0 }; o.Operating = new OperatingOptions { Limit = TimeSpan.FromSeconds(1) }; }, time: time);

        RegisteredCall first = (await c.BatchAsync([TelephonyBatch.Register("r", Register("opb-1"))])).Registered("r");
        Assert.That(c.Operating.HeldUntil(Bitrix24Methods.Register), Is.Null, "0.6 s of 1 s: under 90 %");
        BatchResult second = await c.BatchAsync([TelephonyBatch.Register("r", Register("opb-2")), TelephonyBatch.Show("s", first.CallId, [2])]);
        Assert.That(second.Registered("r").CallId, Is.Not.Empty);
        Assert.That(c.Operating.HeldUntil(Bitrix24Methods.Register), Is.Not.Null, "1.2 s counted from result_time: held before the portal blocks it");
        Assert.That(c.Operating.HeldUntil(Bitrix24Methods.Show), Is.Null);

        BatchResult third = await c.BatchAsync([TelephonyBatch.Register("r", Register("opb-3")), TelephonyBatch.Show("s", first.CallId, [3])]);
        Bitrix24Exception refused = Assert.Throws<Bitrix24Exception>(() => third.Registered("r"))!;
        Assert.That(refused.Kind, Is.EqualTo(Bitrix24ErrorKind.OperationTimeLimit));
        Assert.That(third.CardChanged("s", Bitrix24Methods.Show), Is.True, "the other command of the batch ran");
    }

    [Test]
    public void A_batch_command_s_answer_without_the_figure_keeps_what_the_portal_last_reported_until_its_reset()
    {
        var time = new SignallingTimeProvider();
        var limits = new OperatingLimits(time, new OperatingOptions { Limit = TimeSpan.FromSeconds(10), SlowDownAt = 0.9 });
        long reset = time.GetUtcNow().ToUnixTimeSeconds() + 300;
        using var standalone = System.Text.Json.JsonDocument.Parse($$"""{"duration": 0.1, "operating": 9.5, "operating_reset_at": {{reset}}}""");
        using var inBatch = System.Text.Json.JsonDocument.Parse("""{"duration": 0.1}""");

        limits.Observe(Bitrix24Methods.Register, standalone.RootElement);
        limits.Observe(Bitrix24Methods.Register, inBatch.RootElement);

        Assert.That(limits.HeldUntil(Bitrix24Methods.Register), Is.EqualTo(DateTimeOffset.FromUnixTimeSeconds(reset)));
        time.Advance(TimeSpan.FromSeconds(301));
        Assert.That(limits.Used(Bitrix24Methods.Register), Is.EqualTo(0.2).Within(0.001), "past its reset, the client's own sum");
    }

    [Test]
    public void Held_near_the_limit_until_the_oldest_minute_is_released_then_free()
    {
        var time = new SignallingTimeProvider();
        var limits = new OperatingLimits(time, new OperatingOptions { Limit = TimeSpan.FromSeconds(10), SlowDownAt = 0.9 });
        using var doc = System.Text.Json.JsonDocument.Parse("""{"duration": 9.5}""");

        limits.Observe(Bitrix24Methods.Finish, doc.RootElement);

        DateTimeOffset? held = limits.HeldUntil(Bitrix24Methods.Finish);
        Assert.That(held, Is.Not.Null);
        Assert.That(limits.HeldUntil(Bitrix24Methods.Register), Is.Null);
        time.Advance(held!.Value - time.GetUtcNow());
        Assert.That(limits.HeldUntil(Bitrix24Methods.Finish), Is.Null, "ten minutes on, the portal's sum has dropped");
    }
}
