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
        Assert.That(portal.State.RequestCount("batch"), Is.EqualTo(1));
        Assert.That(portal.State.RequestCount(Bitrix24Methods.Register), Is.Zero);
        Assert.That(portal.State.RequestCount(Bitrix24Methods.SearchCrmEntities), Is.Zero);
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
