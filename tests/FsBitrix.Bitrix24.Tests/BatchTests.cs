using System.Text.Json;
using FsBitrix.Bitrix24.Batch;
using FsBitrix.Bitrix24.Params;
using FsBitrix.Bitrix24.Retry;
using FsBitrix.Bitrix24.Tests.Support;
using FsBitrix.Sandbox;

namespace FsBitrix.Bitrix24.Tests;

public sealed class BatchTests : PortalClientFixture
{
    [Test]
    public async Task Commands_run_in_order_and_may_use_earlier_results()
    {
        BatchCommand[] commands =
        [
            new("reg", Bitrix24Methods.Register, new BitrixParams()
                .Add("USER_PHONE_INNER", "1001").Add("PHONE_NUMBER", "+79161234567").Add("TYPE", 2L)
                .Add("CALL_START_DATE", "2026-03-10T11:19:38+03:00").AddFlag("CRM_CREATE", false).AddFlag("SHOW", false).Add("EXTERNAL_CALL_ID", "b-1")),
            new("show", Bitrix24Methods.Show, new BitrixParams().Add("CALL_ID", "$result[reg][CALL_ID]").Add("USER_ID", [2L, 3L])),
            new("fin", Bitrix24Methods.Finish, new BitrixParams().Add("CALL_ID", "$result[reg][CALL_ID]").Add("USER_ID", 2L).Add("DURATION", 10L).Add("STATUS_CODE", "200"), RetryRule.OnlyIfNotExecuted),
        ];

        BatchResult result = await client.BatchAsync(commands);

        Assert.That(result.Errors, Is.Empty);
        string callId = result.Results["reg"].GetProperty("CALL_ID").GetString()!;
        Assert.That(result.Results["show"].GetBoolean(), Is.True);
        Assert.That(result.Results["fin"].GetProperty("CALL_ID").GetString(), Is.EqualTo(callId));
        Assert.That(portal.State.FindFinished(callId)!.Duration, Is.EqualTo(10));
        Assert.That(portal.State.CardViewers(callId), Is.EqualTo(new[] { 3 }));
        Assert.That(portal.State.RequestCount("batch"), Is.EqualTo(1));
    }

    [Test]
    public async Task Failures_land_per_command_and_halt_stops_the_rest()
    {
        BatchCommand bad = new("bad", Bitrix24Methods.Finish, new BitrixParams().Add("CALL_ID", "externalCall.none.1").Add("USER_ID", 2L));
        BatchCommand users = new("users", Bitrix24Methods.UserGet, new BitrixParams().Add("FILTER", new BitrixParams().Add("UF_PHONE_INNER", "1003")));

        BatchResult carryOn = await client.BatchAsync([bad, users]);
        BatchResult halted = await client.BatchAsync([bad, users], halt: true);

        Assert.That(carryOn.Errors["bad"], Is.EqualTo(new BatchError(string.Empty, "Call is not found (call should be registered prior to finishing")));
        Assert.That(carryOn.Results["users"].EnumerateArray().Single().GetProperty("ID").GetString(), Is.EqualTo("4"));
        Assert.That(carryOn.Totals["users"], Is.EqualTo(1));
        Assert.That(halted.Errors.Keys, Is.EqualTo(new[] { "bad" }));
        Assert.That(halted.Results, Is.Empty);
    }

    [Test]
    public void More_than_50_commands_are_refused_before_sending()
    {
        BatchCommand[] commands = [.. Enumerable.Range(0, 51).Select(i => new BatchCommand($"c{i}", Bitrix24Methods.UserGet, new BitrixParams()))];

        ArgumentException e = Assert.Throws<ArgumentException>(() => client.BatchAsync(commands))!;

        Assert.That(e.Message, Does.Contain("ERROR_BATCH_LENGTH_EXCEEDED"));
        Assert.That(portal.State.RequestCount("batch"), Is.Zero);
    }

    [Test]
    public void Empty_php_maps_arrive_as_json_arrays_and_are_read_as_empty()
    {
        BatchResult result = BatchResult.Read(JsonDocument.Parse("""{"result":[],"result_error":[],"result_total":[],"result_next":[],"result_time":[]}""").RootElement);

        Assert.That(result.Results, Is.Empty);
        Assert.That(result.Errors, Is.Empty);
        Assert.That(result.Totals, Is.Empty);
    }
}
