using FsBitrix.Sandbox.State;

namespace FsBitrix.Sandbox.Web;

/// <summary>
/// What the page draws, resolved on the server (names, labels) so the script only lays it out. Sent whole on
/// every change: a reconnecting page needs nothing else, and the lists are capped so a benchmark's
/// thousands of calls cannot make it heavy.
/// </summary>
internal sealed record PageView(
    string Domain,
    string? EventHandlerUrl,
    IReadOnlyList<AgentView> Agents,
    IReadOnlyList<LiveCallView> LiveCalls,
    IReadOnlyList<LogEntryView> CallLog,
    int FinishedTotal,
    IReadOnlyList<CrmView> Crm,
    int CrmTotal)
{
    internal const int LogLimit = 100;
    internal const int CrmLimit = 200;

    public static PageView Of(PortalState state, SandboxOptions options)
    {
        // Cards first: a call finished between the reads is then still found, in the finished list.
        IReadOnlyDictionary<int, IReadOnlyList<string>> cards = state.CardsByUser;
        IReadOnlyList<SandboxUser> users = state.Users;
        IReadOnlyList<SandboxCrmEntity> crm = state.CrmEntities;
        IReadOnlyList<SandboxLiveCall> live = state.LiveCalls;
        IReadOnlyList<SandboxFinishedCall> finished = state.FinishedCalls;

        var names = users.ToDictionary(u => u.Id, FullName);
        var entities = crm.GroupBy(e => (e.EntityType, e.Id)).ToDictionary(g => g.Key, g => g.Last().Name);
        var liveById = live.ToDictionary(c => c.CallId, StringComparer.Ordinal);
        var finishedById = finished.ToDictionary(c => c.CallId, StringComparer.Ordinal);
        string? Entity(string type, long? id) => id is { } i && entities.TryGetValue((type, i), out string? n) ? n : null;
        string Agent(int id) => names.GetValueOrDefault(id) ?? $"User {id}";

        CardView? Card(string callId) =>
            liveById.TryGetValue(callId, out SandboxLiveCall? l) ? new CardView(callId, l.PhoneNumber, CallLabels.Direction(l.Type), Entity(l.CrmEntityType, l.CrmEntityId), true)
            : finishedById.TryGetValue(callId, out SandboxFinishedCall? f) ? new CardView(callId, f.PhoneNumber, CallLabels.Direction(f.Type), Entity(f.CrmEntityType, f.CrmEntityId), false)
            : null;

        var agents = users.Select(u => new AgentView(
            u.Id, FullName(u), Initials(u), u.UfPhoneInner, u.Active, CallLabels.Presence(u.Active, u.TimemanStatus),
            [.. cards.GetValueOrDefault(u.Id, []).Select(Card).OfType<CardView>()])).ToList();

        var liveCalls = live.Select(c => new LiveCallView(
            c.CallId, Agent(c.UserId), c.PhoneNumber, CallLabels.Direction(c.Type), Entity(c.CrmEntityType, c.CrmEntityId), c.CrmEntityType,
            c.CrmCreatedLead is not null, c.StartedByClickToCall, c.RegisteredAt,
            [.. state.CardViewers(c.CallId).Select(Agent)])).ToList();

        var log = finished.Reverse().Take(LogLimit).Select(c => new LogEntryView(
            c.CallId, c.Type, CallLabels.Direction(c.Type), c.PhoneNumber, Entity(c.CrmEntityType, c.CrmEntityId), c.CrmEntityType, Agent(c.UserId),
            c.Duration, c.StatusCode, CallLabels.Status(c.StatusCode), CallLabels.Tone(c.StatusCode), c.CallStartDate, c.FinishedAt,
            c.Recording is { } r ? new RecordingView(AudioEndpoint.PathOf(r.FileId), r.FileName, r.Content.Length, c.StatusCode == "304") : null)).ToList();

        // Seeded records first by type, then leads the calls created, newest last.
        string[] order = ["CONTACT", "COMPANY", "LEAD"];
        var crmViews = crm.OrderBy(e => Array.IndexOf(order, e.EntityType) is var i and >= 0 ? i : order.Length).ThenBy(e => e.Id)
            .Take(CrmLimit)
            .Select(e => new CrmView(e.EntityType, e.Id, e.Name, e.Phones, Agent(e.AssignedById), e.CreatedByCallId is not null)).ToList();

        return new PageView(options.Domain, options.EventHandlerUrl?.AbsoluteUri, agents, liveCalls, log, finished.Count, crmViews, crm.Count);
    }

    private static string FullName(SandboxUser u) => $"{u.Name} {u.LastName}".Trim();

    private static string Initials(SandboxUser u) =>
        string.Concat(new[] { u.Name, u.LastName }.Where(s => s.Length > 0).Select(s => char.ToUpperInvariant(s[0])));
}

internal sealed record AgentView(int Id, string Name, string Initials, string? Extension, bool Active, string Presence, IReadOnlyList<CardView> Cards);

/// <summary>A call card on an agent's screen; <see cref="Live"/> is false when the call was finished by someone else.</summary>
internal sealed record CardView(string CallId, string Phone, string Direction, string? Entity, bool Live);

internal sealed record LiveCallView(
    string CallId, string Agent, string Phone, string Direction, string? Entity, string EntityType, bool CreatedLead, bool ClickToCall,
    DateTimeOffset RegisteredAt, IReadOnlyList<string> ShownTo);

internal sealed record LogEntryView(
    string CallId, int Type, string Direction, string Phone, string? Entity, string EntityType, string Agent, int Duration,
    string Status, string StatusLabel, string Tone, DateTimeOffset StartedAt, DateTimeOffset FinishedAt, RecordingView? Recording);

/// <param name="Voicemail">A missed call's record is the message the client left (Bitrix24 shows it as voicemail).</param>
internal sealed record RecordingView(string Url, string FileName, int Size, bool Voicemail);

internal sealed record CrmView(string Type, long Id, string Name, IReadOnlyList<string> Phones, string Responsible, bool CreatedByCall);
