using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Nodes;
using FsBitrix.Sandbox.State;
using FsBitrix.Simulator.Wire;

namespace FsBitrix.Benchmarks.Load;

/// <summary>What happened, as the switch and the portal saw it, on one clock (UTC wall time).</summary>
internal sealed class LoadRecord
{
    private static readonly string[] AgentHeaders = ["variable_dialed_user", "Caller-Destination-Number", "Caller-Callee-ID-Number"];
    private readonly ConcurrentDictionary<string, byte> _customers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, LegSeen> _legs = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<SandboxRequest> _requests = new();
    private readonly ConcurrentQueue<(TimeSpan At, long Pending)> _backlog = new();

    public DateTimeOffset Origin { get; } = DateTimeOffset.UtcNow;

    public IEnumerable<(TimeSpan At, long Pending)> BacklogSamples => _backlog;

    public void Started(string customer) => _customers[customer] = 0;

    public void Backlog(TimeSpan at, long pending) => _backlog.Enqueue((at, pending));

    /// <summary>The portal's log, requests and batch commands alike (raised under its lock: only queued here).</summary>
    public void Portal(SandboxRequest request)
    {
        if (request.Method.StartsWith("telephony.externalcall.", StringComparison.OrdinalIgnoreCase))
        {
            _requests.Enqueue(request);
        }
    }

    public void Switch(SimEvent e)
    {
        DateTimeOffset now = DateTimeOffset.UtcNow;
        if (e["Unique-ID"] is not { } uuid)
        {
            return;
        }

        if (e.Name == "CHANNEL_CREATE")
        {
            string? customer = e.Headers.Select(h => h.Value).FirstOrDefault(_customers.ContainsKey);
            if (customer is null)
            {
                return;
            }

            string? agent = e["Call-Direction"] == "outbound"
                ? AgentHeaders.Select(h => e[h]).FirstOrDefault(v => v is "1001" or "1002" or "1003")
                : null;
            _legs[uuid] = new LegSeen(customer, agent);
            return;
        }

        if (!_legs.TryGetValue(uuid, out LegSeen? leg))
        {
            return;
        }

        lock (leg)
        {
            switch (e.Name)
            {
                case "CHANNEL_PROGRESS" or "CHANNEL_PROGRESS_MEDIA":
                    leg.RingStart ??= now;
                    break;
                case "CHANNEL_ANSWER":
                    leg.RingEnd ??= now;
                    break;
                case "CHANNEL_HANGUP":
                    leg.RingEnd ??= now;
                    leg.HungUp ??= now;
                    break;
                case "CHANNEL_HANGUP_COMPLETE":
                    leg.Over = now;
                    break;
            }
        }
    }

    public LoadResult Result(PortalState portal, int calls, long httpRequests, TimeSpan drain)
    {
        Dictionary<string, string> callOf = portal.FinishedCalls.GroupBy(f => f.PhoneNumber).ToDictionary(g => g.Key, g => g.First().CallId);
        Dictionary<string, int> userOf = portal.Users.Where(u => u.UfPhoneInner is not null).ToDictionary(u => u.UfPhoneInner!, u => u.Id);
        var shows = new Dictionary<(string CallId, int User), DateTimeOffset>();
        var finishes = new Dictionary<string, List<DateTimeOffset>>(StringComparer.Ordinal);
        // Only shows and finishes: an upload's logged parameters are cut short (its file runs to megabytes).
        foreach (SandboxRequest r in _requests.Where(r => r.Status == 200
            && (r.Method.EndsWith(".show", StringComparison.OrdinalIgnoreCase) || r.Method.EndsWith(".finish", StringComparison.OrdinalIgnoreCase))))
        {
            JsonNode? p = JsonNode.Parse(r.Parameters);
            string? callId = p?["CALL_ID"]?.ToString();
            if (callId is null)
            {
                continue;
            }

            if (r.Method.EndsWith(".show", StringComparison.OrdinalIgnoreCase))
            {
                foreach (int user in Users(p!["USER_ID"]))
                {
                    shows.TryAdd((callId, user), r.At);
                }
            }
            else if (r.Method.EndsWith(".finish", StringComparison.OrdinalIgnoreCase))
            {
                (finishes.TryGetValue(callId, out List<DateTimeOffset>? at) ? at : finishes[callId] = []).Add(r.At);
            }
        }

        var cards = new List<CardSeen>();
        var finishLatency = new List<double>();
        // The call ended for its people at the first hangup of any of its legs (the caller's, or the agent's).
        Dictionary<string, DateTimeOffset> endOf = _legs.Values.Where(l => l.HungUp is not null).GroupBy(l => l.Customer)
            .ToDictionary(g => g.Key, g => g.Min(l => l.HungUp!.Value));
        foreach (LegSeen leg in _legs.Values)
        {
            string? callId = callOf.GetValueOrDefault(leg.Customer);
            if (leg is { Agent: { } agent, RingStart: { } ring })
            {
                DateTimeOffset? shown = callId is not null && userOf.TryGetValue(agent, out int user) && shows.TryGetValue((callId, user), out DateTimeOffset at)
                    ? at : null;
                cards.Add(new CardSeen(ring - Origin, shown is { } s ? (s - ring).TotalSeconds : null, shown is { } t && t <= (leg.RingEnd ?? leg.Over ?? t)));
            }
            else if (leg.Agent is null && endOf.TryGetValue(leg.Customer, out DateTimeOffset end) && callId is not null
                && finishes.TryGetValue(callId, out List<DateTimeOffset>? done))
            {
                finishLatency.Add((done.Min() - end).TotalSeconds);
            }
        }

        int finished = finishes.Count;
        int duplicated = finishes.Values.Sum(f => f.Count - 1);
        return new LoadResult(cards, finishLatency, calls, finished, duplicated, Math.Max(0, calls - finished),
            (double)httpRequests / calls, BacklogSamples.Select(b => b.Pending).DefaultIfEmpty().Max(), drain);
    }

    private static IEnumerable<int> Users(JsonNode? node) => node switch
    {
        JsonArray a => a.SelectMany(Users),
        JsonObject o => o.Select(kv => kv.Value).SelectMany(Users),
        JsonValue v when int.TryParse(v.ToString(), out int id) => [id],
        _ => [],
    };

    [DebuggerDisplay("{Customer} {Agent}")]
    private sealed class LegSeen(string customer, string? agent)
    {
        public string Customer { get; } = customer;

        public string? Agent { get; } = agent;

        public DateTimeOffset? RingStart { get; set; }

        public DateTimeOffset? RingEnd { get; set; }

        public DateTimeOffset? Over { get; set; }

        public DateTimeOffset? HungUp { get; set; }
    }
}

/// <summary>One agent's ringing: when it began (from the start of the run), how long its card took (null: never shown).</summary>
internal sealed record CardSeen(TimeSpan RangAt, double? Latency, bool InRing);
