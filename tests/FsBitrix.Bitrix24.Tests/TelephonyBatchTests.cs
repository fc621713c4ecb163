using FsBitrix.Bitrix24.Batch;
using FsBitrix.Bitrix24.Errors;
using FsBitrix.Bitrix24.Retry;
using FsBitrix.Bitrix24.Telephony;
using FsBitrix.Bitrix24.Tests.Support;
using FsBitrix.Sandbox;
using FsBitrix.Sandbox.Faults;

namespace FsBitrix.Bitrix24.Tests;

/// <summary>Register with the caller's CRM search, and mixed show/hide, as one batch request.</summary>
public sealed class TelephonyBatchTests : PortalClientFixture
{
    [Test]
    public async Task Search_and_register_cost_one_request_and_read_like_their_own_calls()
    {
        BatchResult result = await client.BatchAsync([TelephonyBatch.SearchCrmEntities("search", "+79161234567"), TelephonyBatch.Register("register", Register("tb-1"))]);

        RegisteredCall registered = result.Registered("register");
        IReadOnlyList<CrmEntityMatch> matches = result.CrmEntities("search");
        Assert.That(portal.State.FindLive(registered.CallId), Is.Not.Null);
        Assert.That(matches.First().AssignedById, Is.EqualTo(3), "the seed's contact 797 belongs to user 3");
        Assert.That(portal.State.HttpRequestCount, Is.EqualTo(1));
        Assert.That(portal.State.Requests.Where(r => !r.InBatch).Select(r => r.Method), Is.EqualTo(new[] { "batch" }));
        Assert.That(portal.State.RequestCount(Bitrix24Methods.Register), Is.EqualTo(1), "the portal ran each command once");
        Assert.That(portal.State.RequestCount(Bitrix24Methods.SearchCrmEntities), Is.EqualTo(1));
    }

    [Test]
    public async Task A_later_command_takes_the_call_id_from_the_register_before_it_in_the_same_batch()
    {
        BatchResult result = await client.BatchAsync(
        [
            TelephonyBatch.Register("r", Register("tb-ref")),
            TelephonyBatch.Show("s", "$result[r][CALL_ID]", [3], new BatchReference("r", "CALL_ID")),
            TelephonyBatch.Finish("f", new FinishCallRequest { CallId = "$result[r][CALL_ID]", UserId = 3, Duration = 7, StatusCode = "200" },
                new BatchReference("r", "CALL_ID")),
        ]);

        string callId = result.Registered("r").CallId;
        Assert.That(result.CardChanged("s", Bitrix24Methods.Show), Is.True);
        Assert.That(result.Finished("f").CallDuration, Is.EqualTo(7));
        Assert.That(portal.State.FindFinished(callId)?.Duration, Is.EqualTo(7));
    }

    [Test]
    public async Task When_the_register_fails_the_commands_that_take_its_call_id_fail_and_change_nothing()
    {
        portal.Faults.Add(new FsBitrix.Sandbox.Faults.SandboxFault(FsBitrix.Sandbox.Faults.SandboxFaultKind.InternalServerError)
        {
            Count = 1, Methods = [Bitrix24Methods.Register],
        });

        BatchResult result = await client.BatchAsync(
        [
            TelephonyBatch.Register("r", Register("tb-fail")),
            TelephonyBatch.Finish("f", new FinishCallRequest { CallId = "$result[r][CALL_ID]", UserId = 3, Duration = 7, StatusCode = "200" },
                new BatchReference("r", "CALL_ID")),
        ]);

        Assert.That(() => result.Registered("r"), Throws.InstanceOf<FsBitrix.Bitrix24.Errors.Bitrix24Exception>());
        Assert.That(() => result.Finished("f"), Throws.InstanceOf<FsBitrix.Bitrix24.Errors.Bitrix24Exception>());
        Assert.That(portal.State.FinishedCalls, Is.Empty);
    }

    [Test]
    public void A_reference_is_written_as_is_in_the_command_line_and_refused_outside_a_batch()
    {
        BatchCommand show = TelephonyBatch.Show("s", "$result[r][CALL_ID]", [3], new BatchReference("r", "CALL_ID"));

        Assert.That(show.ToCommandLine(), Does.Contain("CALL_ID=$result[r][CALL_ID]"));
        Assert.That(() => new BatchReference("r]", "CALL_ID"), Throws.ArgumentException);
    }

    [Test]
    public async Task Hide_and_show_run_in_order_in_one_request()
    {
        RegisteredCall call = await client.RegisterCallAsync(Register("tb-2"));
        await client.ShowCallAsync(call.CallId, [3]);

        BatchResult result = await client.BatchAsync([TelephonyBatch.Hide("hide0", call.CallId, [3]), TelephonyBatch.Show("show1", call.CallId, [2, 3])]);

        Assert.That(result.CardChanged("hide0", Bitrix24Methods.Hide) && result.CardChanged("show1", Bitrix24Methods.Show), Is.True);
        Assert.That(portal.State.CardViewers(call.CallId), Is.EqualTo(new[] { 2, 3 }), "the show came after the hide");
    }

    [Test]
    public async Task A_register_failing_inside_the_batch_throws_what_a_standalone_register_would()
    {
        portal.Faults.Add(new SandboxFault(SandboxFaultKind.InternalServerError) { Count = 1, Methods = [Bitrix24Methods.Register] });
        BatchResult failed = await client.BatchAsync([TelephonyBatch.SearchCrmEntities("search", "+79161234567"), TelephonyBatch.Register("register", Register("tb-3"))]);
        BatchResult refused = await client.BatchAsync([TelephonyBatch.Register("register", Register("tb-4") with { UserPhoneInner = null, UserId = 99 })]);

        Bitrix24Exception server = Assert.Throws<Bitrix24Exception>(() => failed.Registered("register"))!;
        Bitrix24Exception data = Assert.Throws<Bitrix24Exception>(() => refused.Registered("register"))!;
        Assert.That((server.Kind, server.MayHaveExecuted, server.Method), Is.EqualTo((Bitrix24ErrorKind.Transient, true, Bitrix24Methods.Register)), "retried: register is idempotent");
        Assert.That(failed.CrmEntities("search"), Is.Not.Empty, "the search answered all the same");
        Assert.That((data.Kind, data.ErrorDescription), Is.EqualTo((Bitrix24ErrorKind.BadRequest, "User is not found or is not active")), "not retried");
    }

    [TestCase("QUERY_LIMIT_EXCEEDED", "Too many requests", Bitrix24ErrorKind.RateLimited)]
    [TestCase("OPERATION_TIME_LIMIT", "Method is blocked due to operation time limit.", Bitrix24ErrorKind.OperationTimeLimit)]
    [TestCase("WRONG_AUTH_TYPE", "Current authorization type is denied for this method", Bitrix24ErrorKind.Authorization)]
    [TestCase("", "Call is not found (call should be registered prior to finishing", Bitrix24ErrorKind.CallNotFound)]
    [TestCase("ERROR_CORE", "Unsupported phone number format", Bitrix24ErrorKind.BadRequest)]
    [TestCase("INTERNAL_SERVER_ERROR", "Internal server error", Bitrix24ErrorKind.Transient)]
    public void A_command_error_is_classified_as_the_same_error_of_a_standalone_call(string error, string description, Bitrix24ErrorKind kind) =>
        Assert.That(new BatchError(error, description).ToException(Bitrix24Methods.Register).Kind, Is.EqualTo(kind));

    private static RegisterCallRequest Register(string externalCallId) => new()
    {
        ExternalCallId = externalCallId,
        UserPhoneInner = "1001",
        PhoneNumber = "+79161234567",
        Type = CallType.Incoming,
        CallStartDate = DateTimeOffset.Parse("2026-03-10T11:19:38+03:00", System.Globalization.CultureInfo.InvariantCulture),
        Show = false,
    };
}
