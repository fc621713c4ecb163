using System.Net;
using System.Text.Json.Nodes;
using FsBitrix.Bitrix24.Tests.Support;
using FsBitrix.Sandbox;
using FsBitrix.Sandbox.State;

namespace FsBitrix.Bitrix24.Tests;

/// <summary>The sandbox's Bitrix24 quirks, each pinned on the wire.</summary>
public sealed class SandboxRestTests
{
    private SignallingTimeProvider _time = null!;
    private SandboxPortal _portal = null!;

    [SetUp]
    public async Task StartAsync()
    {
        _time = new SignallingTimeProvider();
        _portal = await Portal.StartAsync(o => o.TimeProvider = _time);
    }

    [TearDown]
    public async Task StopAsync() => await _portal.DisposeAsync();

    private static object Incoming(string? externalCallId = null) => externalCallId is null
        ? new { USER_ID = 2, PHONE_NUMBER = "+79161234567", TYPE = 2, LINE_NUMBER = "100" }
        : new { USER_ID = 2, PHONE_NUMBER = "+79161234567", TYPE = 2, LINE_NUMBER = "100", EXTERNAL_CALL_ID = externalCallId };

    [Test]
    public async Task Register_repeated_within_30_minutes_returns_the_same_call_id()
    {
        string first = await Raw.RegisterAsync(_portal, Incoming());
        _time.Advance(TimeSpan.FromMinutes(29));
        string second = await Raw.RegisterAsync(_portal, new { USER_ID = 2, PHONE_NUMBER = "8 (916) 123-45-67", TYPE = 2, LINE_NUMBER = "100" });

        Assert.That(second, Is.EqualTo(first), "same user, normalised number, type and line");
        Assert.That(_portal.State.LiveCalls, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task Register_after_30_minutes_or_with_another_external_call_id_is_a_new_call()
    {
        string first = await Raw.RegisterAsync(_portal, Incoming("uuid-a"));
        string otherExternal = await Raw.RegisterAsync(_portal, Incoming("uuid-b"));
        string sameExternal = await Raw.RegisterAsync(_portal, Incoming("uuid-a"));
        string withoutExternal = await Raw.RegisterAsync(_portal, Incoming());
        _time.Advance(TimeSpan.FromMinutes(31));
        string later = await Raw.RegisterAsync(_portal, Incoming("uuid-a"));

        Assert.That(otherExternal, Is.Not.EqualTo(first));
        Assert.That(sameExternal, Is.EqualTo(first));
        Assert.That(withoutExternal, Is.AnyOf(first, otherExternal), "EXTERNAL_CALL_ID only matters when it is passed");
        Assert.That(later, Is.Not.EqualTo(first));
    }

    [Test]
    public async Task Whoever_sees_a_method_s_effect_also_sees_its_request_logged()
    {
        string callId = await Raw.RegisterAsync(_portal, Incoming());
        bool? loggedWhenFinished = null;
        _portal.State.Changed += (_, _) =>
        {
            if (loggedWhenFinished is null && _portal.State.FindFinished(callId) is not null)
            {
                loggedWhenFinished = _portal.State.LastRequest("telephony.externalcall.finish") is not null;
            }
        };

        await Raw.PostJsonAsync(_portal, "telephony.externalcall.finish", new { CALL_ID = callId, USER_ID = 2, DURATION = 5 });

        Assert.That(loggedWhenFinished, Is.True, "a test waiting for the finished call then reads the request log");
    }

    [Test]
    public async Task A_second_finish_fails_with_the_real_error()
    {
        string callId = await Raw.RegisterAsync(_portal, Incoming());
        (HttpStatusCode status1, _) = await Raw.PostJsonAsync(_portal, "telephony.externalcall.finish", new { CALL_ID = callId, USER_ID = 2, DURATION = 5 });
        (HttpStatusCode status2, JsonObject body) = await Raw.PostJsonAsync(_portal, "telephony.externalcall.finish", new { CALL_ID = callId, USER_ID = 2, DURATION = 5 });

        Assert.That(status1, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(status2, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(body.ToJsonString(), Is.EqualTo("""{"error":"","error_description":"Call is not found (call should be registered prior to finishing"}"""));
    }

    [Test]
    public async Task Finish_without_status_code_files_a_zero_duration_call_as_missed()
    {
        string callId = await Raw.RegisterAsync(_portal, Incoming());
        (_, JsonObject body) = await Raw.PostJsonAsync(_portal, "telephony.externalcall.finish", new { CALL_ID = callId, USER_ID = 2 });

        Assert.That(body["result"]!["CALL_FAILED_CODE"]!.GetValue<string>(), Is.EqualTo("304"));
        Assert.That(body["result"]!["CALL_STATUS"]!.GetValue<int>(), Is.Zero);
        Assert.That(_portal.State.FindFinished(callId)!.AddToChat, Is.False, "an omitted ADD_TO_CHAT is false in the server code");
    }

    [Test]
    public async Task Finish_with_a_numeric_call_id_is_an_invalid_argument()
    {
        (HttpStatusCode status, JsonObject body) = await Raw.PostJsonAsync(_portal, "telephony.externalcall.finish", new { CALL_ID = 5, USER_ID = 2 });

        Assert.That(status, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(body["error"]!.GetValue<string>(), Is.EqualTo("INVALID_ARGUMENT"));
        Assert.That(body["error_description"]!.GetValue<string>(), Is.EqualTo("CALL_ID must be a string"));
    }

    [Test]
    public async Task Php_style_form_arrays_are_read_like_php()
    {
        string callId = await Raw.RegisterAsync(_portal, new { USER_ID = 2, PHONE_NUMBER = "+79161234567", TYPE = 2, SHOW = 0 });

        (HttpStatusCode status, JsonObject shown) = await Raw.PostFormAsync(_portal, "telephony.externalcall.show", ("CALL_ID", callId), ("USER_ID[0]", "3"), ("USER_ID[1]", "4"));
        (_, JsonObject users) = await Raw.PostFormAsync(_portal, "user.get", ("FILTER[UF_PHONE_INNER]", "1003"), ("FILTER[ACTIVE]", "true"));

        Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(shown["result"]!.GetValue<bool>(), Is.True);
        Assert.That(_portal.State.CardViewers(callId), Is.EqualTo(new[] { 3, 4 }));
        Assert.That(users["result"]!.AsArray().Single()!["ID"]!.GetValue<string>(), Is.EqualTo("4"));
    }

    [Test]
    public async Task Method_names_are_case_insensitive_with_or_without_json()
    {
        (HttpStatusCode upper, JsonObject body) = await Raw.PostFormAsync(_portal, "TELEPHONY.EXTERNALCALL.SEARCHCRMENTITIES.json", ("PHONE_NUMBER", "+79161234567"));
        string callId = await Raw.RegisterAsync(_portal, Incoming());
        (HttpStatusCode camel, _) = await Raw.PostJsonAsync(_portal, "telephony.externalCall.hide.json", new { CALL_ID = callId, USER_ID = new[] { 2 } });
        (HttpStatusCode get, JsonObject viaQuery) = await Raw.GetAsync(new Uri(_portal.WebhookUrl, "user.get?FILTER[UF_PHONE_INNER]=1001"));

        Assert.That(upper, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(body["result"]!.AsArray(), Has.Count.EqualTo(1));
        Assert.That(camel, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(_portal.State.CardViewers(callId), Is.Empty);
        Assert.That(get, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(viaQuery["result"]!.AsArray().Single()!["ID"]!.GetValue<string>(), Is.EqualTo("2"));
    }

    [Test]
    public async Task Unknown_method_and_wrong_webhook_get_the_real_errors()
    {
        (HttpStatusCode missing, JsonObject notFound) = await Raw.PostJsonAsync(_portal, "telephony.externalcall.nope", new { });
        (HttpStatusCode wrong, JsonObject noAuth) = await Raw.GetAsync(new Uri(_portal.BaseUrl, "rest/1/not-the-code/user.get"));

        Assert.That(missing, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(notFound["error"]!.GetValue<string>(), Is.EqualTo("ERROR_METHOD_NOT_FOUND"));
        Assert.That(wrong, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(noAuth.ToJsonString(), Is.EqualTo("""{"error":"NO_AUTH_FOUND","error_description":"Wrong authorization data"}"""));
        Assert.That(_portal.State.StatusCount(401), Is.EqualTo(1));
    }

    [Test]
    public async Task Batch_of_more_than_50_commands_is_refused()
    {
        var cmd = Enumerable.Range(0, 51).ToDictionary(i => $"u{i}", _ => "user.get");

        (HttpStatusCode status, JsonObject body) = await Raw.PostJsonAsync(_portal, "batch", new { halt = 0, cmd });

        Assert.That(status, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(body.ToJsonString(), Is.EqualTo("""{"error":"ERROR_BATCH_LENGTH_EXCEEDED","error_description":"Max batch length exceeded"}"""));
    }

    [Test]
    public async Task User_get_pages_by_50_with_next_and_total()
    {
        for (int i = 0; i < 60; i++)
        {
            _portal.State.AddUser(new SandboxUser(500 + i, $"U{i}", "Test", $"u{i}@sandbox.test", true, null));
        }

        (_, JsonObject first) = await Raw.PostJsonAsync(_portal, "user.get", new { });
        (_, JsonObject second) = await Raw.PostJsonAsync(_portal, "user.get", new { start = 50 });
        (_, JsonObject uncounted) = await Raw.PostJsonAsync(_portal, "user.get", new { start = -1 });

        Assert.That(first["result"]!.AsArray(), Has.Count.EqualTo(50));
        Assert.That(first["next"]!.GetValue<long>(), Is.EqualTo(50));
        Assert.That(first["total"]!.GetValue<long>(), Is.EqualTo(65));
        Assert.That(second["result"]!.AsArray(), Has.Count.EqualTo(15));
        Assert.That(second.ContainsKey("next"), Is.False);
        Assert.That(uncounted.ContainsKey("total"), Is.False);
    }

    [Test]
    public async Task The_bucket_refuses_the_51st_request_with_the_real_body_and_drains_at_2_per_second()
    {
        _portal.RateLimit = SandboxRateLimit.Standard;
        for (int i = 0; i < 50; i++)
        {
            (HttpStatusCode ok, _) = await Raw.GetAsync(new Uri(_portal.WebhookUrl, "user.get"));
            Assert.That(ok, Is.EqualTo(HttpStatusCode.OK));
        }

        (HttpStatusCode refused, JsonObject body) = await Raw.GetAsync(new Uri(_portal.WebhookUrl, "user.get"));
        _time.Advance(TimeSpan.FromMilliseconds(500));
        (HttpStatusCode drained, _) = await Raw.GetAsync(new Uri(_portal.WebhookUrl, "user.get"));
        (HttpStatusCode again, _) = await Raw.GetAsync(new Uri(_portal.WebhookUrl, "user.get"));

        Assert.That(refused, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
        Assert.That(body.ToJsonString(), Is.EqualTo("""{"error":"QUERY_LIMIT_EXCEEDED","error_description":"Too many requests"}"""));
        Assert.That(drained, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(again, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
    }

    [Test]
    public async Task Register_validates_users_and_numbers_with_the_real_texts()
    {
        (_, JsonObject none) = await Raw.PostJsonAsync(_portal, "telephony.externalcall.register", new { PHONE_NUMBER = "+7916", TYPE = 2 });
        (_, JsonObject unknownExtension) = await Raw.PostJsonAsync(_portal, "telephony.externalcall.register", new { USER_PHONE_INNER = "9999", PHONE_NUMBER = "+7916", TYPE = 2 });
        (_, JsonObject dismissed) = await Raw.PostJsonAsync(_portal, "telephony.externalcall.register", new { USER_PHONE_INNER = "1004", PHONE_NUMBER = "+7916", TYPE = 2 });
        (_, JsonObject badType) = await Raw.PostJsonAsync(_portal, "telephony.externalcall.register", new { USER_ID = 2, PHONE_NUMBER = "+7916", TYPE = 9 });
        (_, JsonObject badNumber) = await Raw.PostJsonAsync(_portal, "telephony.externalcall.register", new { USER_ID = 2, PHONE_NUMBER = "anonymous", TYPE = 2 });
        (_, JsonObject badDate) = await Raw.PostJsonAsync(_portal, "telephony.externalcall.register", new { USER_ID = 2, PHONE_NUMBER = "+7916", TYPE = 2, CALL_START_DATE = "yesterday-ish" });
        string byExtension = await Raw.RegisterAsync(_portal, new { USER_PHONE_INNER = "1003", PHONE_NUMBER = "+7916", TYPE = 2 });

        Assert.That(none["error_description"]!.GetValue<string>(), Is.EqualTo("USER_ID or USER_PHONE_INNER should be set"));
        Assert.That(none["error"]!.GetValue<string>(), Is.Empty);
        Assert.That(unknownExtension["error_description"]!.GetValue<string>(), Is.EqualTo("User is not found or is not active"));
        Assert.That(dismissed["error_description"]!.GetValue<string>(), Is.EqualTo("User is not found or is not active"));
        Assert.That(badType["error_description"]!.GetValue<string>(), Is.EqualTo("Unknown TYPE"));
        Assert.That(badNumber["error_description"]!.GetValue<string>(), Is.EqualTo("Unsupported phone number format"));
        Assert.That(badDate["error_description"]!.GetValue<string>(), Is.EqualTo("CALL_START_DATE should be in the ISO-8601 format"));
        Assert.That(_portal.State.FindLive(byExtension)!.UserId, Is.EqualTo(4));
    }

    [Test]
    public async Task A_start_date_without_offset_is_read_in_the_portal_time_zone()
    {
        string callId = await Raw.RegisterAsync(_portal, new { USER_ID = 2, PHONE_NUMBER = "+7916", TYPE = 2, CALL_START_DATE = "2026-03-10 11:19:38" });

        Assert.That(_portal.State.FindLive(callId)!.CallStartDate, Is.EqualTo(new DateTimeOffset(2026, 3, 10, 8, 19, 38, TimeSpan.Zero)));
    }

    [Test]
    public async Task A_call_to_an_extension_is_internal_and_touches_no_crm()
    {
        (_, JsonObject body) = await Raw.PostJsonAsync(_portal, "telephony.externalcall.register", new { USER_ID = 2, PHONE_NUMBER = "1002", TYPE = 1, CRM_CREATE = 1 });

        string callId = body["result"]!["CALL_ID"]!.GetValue<string>();
        Assert.That(body["result"]!["CRM_ENTITY_TYPE"]!.GetValue<string>(), Is.Empty);
        Assert.That(body["result"]!["CRM_CREATED_LEAD"], Is.Null);
        Assert.That(_portal.State.FindLive(callId)!.PortalCall, Is.True);
        Assert.That(_portal.State.Leads, Has.Count.EqualTo(1), "only the seeded lead");
    }

    [Test]
    public async Task AttachRecord_with_only_a_file_name_hands_out_an_upload_url()
    {
        string callId = await Raw.RegisterAsync(_portal, Incoming());
        await Raw.PostJsonAsync(_portal, "telephony.externalcall.finish", new { CALL_ID = callId, USER_ID = 2, DURATION = 3 });
        (_, JsonObject body) = await Raw.PostJsonAsync(_portal, "telephony.externalcall.attachRecord", new { CALL_ID = callId, FILENAME = "x.mp3" });
        var uploadUrl = new Uri(body["result"]!["uploadUrl"]!.GetValue<string>());
        using var form = new MultipartFormDataContent { { new ByteArrayContent([9, 8, 7]), body["result"]!["fieldName"]!.GetValue<string>(), "x.mp3" } };

        (HttpStatusCode status, JsonObject uploaded) = await Raw.SendAsync(new HttpRequestMessage(HttpMethod.Post, uploadUrl) { Content = form });

        Assert.That(uploadUrl.IsLoopback, Is.True);
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(uploaded["result"]!["FILE_ID"]!.GetValue<long>(), Is.EqualTo(_portal.State.FindFinished(callId)!.Recording!.FileId));
        Assert.That(_portal.State.FindFinished(callId)!.Recording!.Content, Is.EqualTo(new byte[] { 9, 8, 7 }));
    }

    [Test]
    public async Task AttachRecord_refuses_other_formats_and_bad_base64_with_the_real_texts()
    {
        string callId = await Raw.RegisterAsync(_portal, Incoming());
        await Raw.PostJsonAsync(_portal, "telephony.externalcall.finish", new { CALL_ID = callId, USER_ID = 2, DURATION = 3 });

        (_, JsonObject ogg) = await Raw.PostJsonAsync(_portal, "telephony.externalcall.attachrecord", new { CALL_ID = callId, FILENAME = "x.ogg", FILE_CONTENT = "AAAA" });
        (_, JsonObject garbage) = await Raw.PostJsonAsync(_portal, "telephony.externalcall.attachrecord", new { CALL_ID = callId, FILENAME = "x.wav", FILE_CONTENT = "%%%" });
        (_, JsonObject nothing) = await Raw.PostJsonAsync(_portal, "telephony.externalcall.attachrecord", new { CALL_ID = callId });

        Assert.That(ogg["error_description"]!.GetValue<string>(), Is.EqualTo("Wrong file extension. Only wav and mp3 are allowed"));
        Assert.That(garbage["error_description"]!.GetValue<string>(), Is.EqualTo("File content is not properly encoded. Base64 encoding is expected."));
        Assert.That(nothing["error_description"]!.GetValue<string>(), Is.EqualTo("Required parameters are not set. Request should contain or URL or FILENAME parameter"));
    }

    [Test]
    public async Task State_view_shows_live_calls_cards_finished_calls_and_request_counts()
    {
        string live = await Raw.RegisterAsync(_portal, Incoming("live"));
        string done = await Raw.RegisterAsync(_portal, new { USER_ID = 3, PHONE_NUMBER = "+74957778899", TYPE = 2 });
        await Raw.PostJsonAsync(_portal, "telephony.externalcall.finish", new { CALL_ID = done, USER_ID = 3, DURATION = 7 });

        (HttpStatusCode status, JsonObject state) = await Raw.GetAsync(new Uri(_portal.BaseUrl, "sandbox/state"));

        Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(state["liveCalls"]!.AsArray().Single()!["callId"]!.GetValue<string>(), Is.EqualTo(live));
        Assert.That(state["cardsByUser"]!["2"]!.AsArray().Single()!.GetValue<string>(), Is.EqualTo(live));
        Assert.That(state["finishedCalls"]!.AsArray().Single()!["duration"]!.GetValue<int>(), Is.EqualTo(7));
        Assert.That(state["crm"]!["contact"]!.AsArray(), Has.Count.EqualTo(2));
        Assert.That(state["requests"]!["byMethod"]!["telephony.externalcall.register"]!.GetValue<int>(), Is.EqualTo(2));
    }

    [Test]
    public async Task A_test_can_await_a_finish_that_arrives_later()
    {
        string callId = await Raw.RegisterAsync(_portal, Incoming());
        Task<SandboxFinishedCall> waiting = _portal.WaitForFinishAsync(callId, Signal.Timeout);
        Assert.That(waiting.IsCompleted, Is.False);

        await Raw.PostJsonAsync(_portal, "telephony.externalcall.finish", new { CALL_ID = callId, USER_ID = 2, DURATION = 12 });

        Assert.That((await waiting).Duration, Is.EqualTo(12));
    }

    [Test]
    public void The_default_seed_has_the_documented_users_and_customer()
    {
        IReadOnlyList<SandboxUser> users = _portal.State.Users;

        Assert.That(users.Where(u => u.Active).Select(u => u.UfPhoneInner), Is.SupersetOf(new[] { "1001", "1002", "1003" }));
        SandboxCrmEntity customer = _portal.State.CrmEntities.Single(c => c.Phones.Contains("+79161234567"));
        Assert.That(customer.EntityType, Is.EqualTo("CONTACT"));
        Assert.That(users.Single(u => u.Id == customer.AssignedById).UfPhoneInner, Is.EqualTo("1002"));
    }
}
