using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FsBitrix.Bitrix24.Telephony;
using FsBitrix.Bitrix24.Tests.Support;
using FsBitrix.Sandbox;
using FsBitrix.Sandbox.State;

namespace FsBitrix.Bitrix24.Tests;

/// <summary>Every telephony method of the client against the sandbox over real HTTP.</summary>
public sealed partial class TelephonyTests
{
    private SandboxPortal _portal = null!;
    private Bitrix24Client _client = null!;

    [SetUp]
    public async Task StartAsync()
    {
        _portal = await Portal.StartAsync();
        _client = Portal.Client(_portal);
    }

    [TearDown]
    public async Task StopAsync()
    {
        _client.Dispose();
        await _portal.DisposeAsync();
    }

    [Test]
    public async Task Register_binds_the_known_customer_and_shows_the_card()
    {
        RegisteredCall call = await _client.RegisterCallAsync(Calls.Incoming());

        Assert.That(call.CallId, Does.Match(CallIdPattern()));
        Assert.That(call.CrmEntityType, Is.EqualTo("CONTACT"));
        Assert.That(call.CrmEntityId, Is.EqualTo(797));
        Assert.That(call.CrmCreatedLead, Is.Null);
        Assert.That(call.CrmCreatedEntities, Is.Empty);
        Assert.That(_portal.State.CardViewers(call.CallId), Is.EqualTo(new[] { 2 }));
    }

    [Test]
    public async Task Register_sends_every_flag_explicitly_and_the_start_date_with_its_offset()
    {
        RegisterCallRequest request = Calls.Incoming("fs-uuid-1") with { Show = false, CrmCreate = false };
        await _client.RegisterCallAsync(request);

        JsonObject sent = JsonNode.Parse(_portal.State.Requests.Single(r => r.Method == "telephony.externalcall.register").Parameters)!.AsObject();
        Assert.That(sent["EXTERNAL_CALL_ID"]!.GetValue<string>(), Is.EqualTo("fs-uuid-1"));
        Assert.That(sent["SHOW"]!.GetValue<long>(), Is.Zero);
        Assert.That(sent["CRM_CREATE"]!.GetValue<long>(), Is.Zero);
        Assert.That(sent["CALL_START_DATE"]!.GetValue<string>(), Is.EqualTo("2026-03-10T11:19:38+03:00"));
        Assert.That(_portal.State.LiveCalls.Single().CallStartDate, Is.EqualTo(request.CallStartDate));
    }

    [Test]
    public async Task Register_creates_a_lead_for_an_unknown_number_when_asked()
    {
        RegisteredCall call = await _client.RegisterCallAsync(Calls.Incoming(phone: "+7 (916) 555-00-11"));

        Assert.That(call.CrmCreatedLead, Is.Not.Null);
        Assert.That(call.CrmEntityType, Is.EqualTo("LEAD"));
        Assert.That(call.CrmCreatedEntities, Is.EqualTo(new[] { new CrmEntity("LEAD", call.CrmCreatedLead!.Value) }));
        SandboxCrmEntity lead = _portal.State.Leads.Single(l => l.Id == call.CrmCreatedLead);
        Assert.That(lead.Name, Is.EqualTo("+79165550011 - Incoming call"));
        Assert.That(lead.AssignedById, Is.EqualTo(2));
    }

    [Test]
    public async Task Register_refuses_to_make_a_lead_of_an_employee_number()
    {
        RegisteredCall call = await _client.RegisterCallAsync(Calls.Incoming(phone: "+79990001122"));

        Assert.That(call.LeadCreationError, Is.EqualTo("Lead creation is disabled for local users"));
        Assert.That(call.CrmEntityType, Is.Empty);
        Assert.That(call.CrmEntityId, Is.Null);
    }

    [Test]
    public async Task Show_and_hide_take_arrays_of_users()
    {
        RegisteredCall call = await _client.RegisterCallAsync(Calls.Incoming() with { Show = false });

        Assert.That(await _client.ShowCallAsync(call.CallId, [2, 3, 4]), Is.True);
        Assert.That(_portal.State.CardViewers(call.CallId), Is.EqualTo(new[] { 2, 3, 4 }));

        Assert.That(await _client.HideCallAsync(call.CallId, [2, 4]), Is.True);
        Assert.That(_portal.State.CardViewers(call.CallId), Is.EqualTo(new[] { 3 }));
        Assert.That(_portal.State.CardsByUser.Keys, Is.EquivalentTo(new[] { 3 }));
    }

    [Test]
    public async Task Show_of_a_call_that_is_not_live_answers_false()
    {
        Assert.That(await _client.ShowCallAsync("externalCall.00000000000000000000000000000000.1", [2]), Is.False);
    }

    [Test]
    public async Task Finish_records_duration_status_cost_vote_and_hides_the_card_of_the_finishing_user_only()
    {
        RegisteredCall call = await _client.RegisterCallAsync(Calls.Incoming("fs-uuid-2"));
        await _client.ShowCallAsync(call.CallId, [3]);

        FinishResult result = await _client.FinishCallAsync(Calls.Finish(call.CallId) with { FailedReason = "none", RecordUrl = "http://127.0.0.1:1/r.mp3" });

        Assert.That(result.Outcome, Is.EqualTo(FinishOutcome.Finished));
        FinishedCall stat = result.Call!;
        Assert.That(stat.CallId, Is.EqualTo(call.CallId));
        Assert.That(stat.ExternalCallId, Is.EqualTo("fs-uuid-2"));
        Assert.That(stat.CallDuration, Is.EqualTo(95));
        Assert.That(stat.CallStatus, Is.EqualTo(1));
        Assert.That(stat.CallFailedCode, Is.EqualTo("200"));
        Assert.That(stat.CallVote, Is.EqualTo(5));
        Assert.That(stat.Cost, Is.EqualTo(1.5));
        Assert.That(stat.CostCurrency, Is.EqualTo("RUB"));
        Assert.That(stat.CrmEntityType, Is.EqualTo("CONTACT"));
        Assert.That(stat.CrmActivityId, Is.Not.Null);

        SandboxFinishedCall row = _portal.State.FindFinished(call.CallId)!;
        Assert.That(row.AddToChat, Is.True);
        Assert.That(row.FailedReason, Is.EqualTo("none"));
        Assert.That(row.RecordUrl, Is.EqualTo("http://127.0.0.1:1/r.mp3"));
        Assert.That(_portal.State.LiveCalls, Is.Empty);
        // Bitrix24 hides the card only for the finishing user; other cards stay until hidden explicitly.
        Assert.That(_portal.State.CardViewers(call.CallId), Is.EqualTo(new[] { 3 }));
    }

    [Test]
    public async Task Finish_hands_a_lead_created_by_the_call_to_the_finishing_user()
    {
        RegisteredCall call = await _client.RegisterCallAsync(Calls.Incoming(phone: "+79160000001", userId: 2));
        await _client.FinishCallAsync(Calls.Finish(call.CallId, userId: 4));

        Assert.That(_portal.State.Leads.Single(l => l.Id == call.CrmCreatedLead).AssignedById, Is.EqualTo(4));
    }

    [Test]
    public async Task AttachRecord_uploads_base64_content_that_the_portal_stores()
    {
        RegisteredCall call = await _client.RegisterCallAsync(Calls.Incoming());
        await _client.FinishCallAsync(Calls.Finish(call.CallId));
        byte[] audio = [0x49, 0x44, 0x33, 4, 0, 0, 1, 2, 3, 4, 5];

        AttachedRecord record = await _client.AttachRecordAsync(AttachRecordRequest.FromFile(call.CallId, "call.mp3", audio));

        SandboxRecording stored = _portal.State.FindFinished(call.CallId)!.Recording!;
        Assert.That(record.FileId, Is.EqualTo(stored.FileId));
        Assert.That(stored.FileName, Is.EqualTo("call.mp3"));
        Assert.That(stored.Content, Is.EqualTo(audio));
        using var http = new HttpClient();
        byte[] served = await http.GetByteArrayAsync(new Uri(_portal.BaseUrl, $"sandbox/records/{stored.FileId}"));
        Assert.That(served, Is.EqualTo(audio));
    }

    [Test]
    public async Task AttachRecord_by_url_downloads_the_file_while_answering()
    {
        RegisteredCall first = await _client.RegisterCallAsync(Calls.Incoming());
        await _client.FinishCallAsync(Calls.Finish(first.CallId));
        byte[] audio = [1, 2, 3, 4, 5, 6, 7, 8];
        AttachedRecord uploaded = await _client.AttachRecordAsync(AttachRecordRequest.FromFile(first.CallId, "a.wav", audio));
        RegisteredCall second = await _client.RegisterCallAsync(Calls.Incoming());
        await _client.FinishCallAsync(Calls.Finish(second.CallId));
        var url = new Uri(_portal.BaseUrl, $"sandbox/records/{uploaded.FileId}");

        await _client.AttachRecordAsync(AttachRecordRequest.FromUrl(second.CallId, url, "b.wav"));

        SandboxRecording stored = _portal.State.FindFinished(second.CallId)!.Recording!;
        Assert.That(stored.Content, Is.EqualTo(audio));
        Assert.That(stored.SourceUrl, Is.EqualTo(url.AbsoluteUri));
    }

    [Test]
    public void AttachRecord_refuses_formats_bitrix_does_not_accept_before_sending()
    {
        Assert.Throws<ArgumentException>(() => AttachRecordRequest.FromFile("x", "call.ogg", new byte[] { 1 }));
        Assert.Throws<ArgumentException>(() => AttachRecordRequest.FromFile("x", "call.mp3", ReadOnlyMemory<byte>.Empty));
    }

    [Test]
    public async Task SearchCrmEntities_returns_the_customer_with_the_responsible_user()
    {
        IReadOnlyList<CrmEntityMatch> found = await _client.SearchCrmEntitiesAsync("8 916 123-45-67");

        CrmEntityMatch contact = found.Single();
        Assert.That(contact.CrmEntityType, Is.EqualTo("CONTACT"));
        Assert.That(contact.CrmEntityId, Is.EqualTo(797));
        Assert.That(contact.AssignedById, Is.EqualTo(3));
        Assert.That(contact.AssignedBy!.Id, Is.EqualTo(3));
        Assert.That(contact.AssignedBy.UserPhoneInner, Is.EqualTo("1002"));
    }

    [Test]
    public async Task SearchCrmEntities_orders_contacts_before_companies()
    {
        IReadOnlyList<CrmEntityMatch> found = await _client.SearchCrmEntitiesAsync("+74957778899");

        Assert.That(found.Select(f => f.CrmEntityType), Is.EqualTo(new[] { "CONTACT", "COMPANY" }));
    }

    [GeneratedRegex(@"^externalCall\.[0-9a-f]{32}\.\d+$")]
    private static partial Regex CallIdPattern();
}
