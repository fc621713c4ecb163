using System.Collections.Concurrent;
using FsBitrix.Sandbox.Seed;

namespace FsBitrix.Sandbox.State;

/// <summary>
/// Everything the sandbox portal knows. One lock guards it: the sandbox favours plain correctness over
/// throughput. Public members hand out snapshots; REST methods mutate through <see cref="Write{T}"/>.
/// </summary>
public sealed class PortalState
{
    private const int RequestLogCapacity = 5000;
    private readonly Lock gate = new();
    private readonly Dictionary<int, SandboxUser> users = [];
    private readonly List<SandboxCrmEntity> crm = [];
    private readonly Dictionary<string, SandboxLiveCall> live = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<int>> cards = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SandboxFinishedCall> finished = new(StringComparer.Ordinal);
    private readonly List<string> finishedOrder = [];
    private readonly HashSet<string> lines = new(StringComparer.Ordinal);
    private readonly Queue<SandboxRequest> requestLog = new();
    private readonly ConcurrentDictionary<string, int> requestsByMethod = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<int, int> requestsByStatus = new();
    private long httpRequests;
    private long nextLeadId = 1000;
    private long nextStatisticId = 1;
    private long nextActivityId = 7000;
    private long nextFileId = 9000;

    internal PortalState(SandboxSeed seed, TimeProvider time)
    {
        Time = time;
        foreach (SeedUser u in seed.Users)
        {
            users[u.Id] = new SandboxUser(u.Id, u.Name, u.LastName, u.Email, u.Active, u.UfPhoneInner, u.UserType, u.PersonalMobile, u.WorkPhone, u.TimemanStatus);
        }

        AddSeedCrm(seed.Contacts, "CONTACT");
        AddSeedCrm(seed.Companies, "COMPANY");
        AddSeedCrm(seed.Leads, "LEAD");
        nextLeadId = Math.Max(nextLeadId, crm.Count == 0 ? 0 : crm.Max(c => c.Id) + 1);
    }

    /// <summary>Raised after every change (outside the lock); handlers must be quick.</summary>
    public event EventHandler<SandboxChange>? Changed;

    internal TimeProvider Time { get; }

    public IReadOnlyList<SandboxUser> Users => Read(() => users.Values.OrderBy(u => u.Id).ToList());

    public IReadOnlyList<SandboxCrmEntity> CrmEntities => Read(() => crm.ToList());

    public IReadOnlyList<SandboxCrmEntity> Leads => Read(() => crm.Where(c => c.EntityType == "LEAD").ToList());

    public IReadOnlyList<SandboxLiveCall> LiveCalls => Read(() => live.Values.OrderBy(c => c.RegisteredAt).ToList());

    public IReadOnlyList<SandboxFinishedCall> FinishedCalls => Read(() => finishedOrder.Select(id => finished[id]).ToList());

    public IReadOnlyCollection<string> Lines => Read(() => lines.ToList());

    /// <summary>Which call cards each user sees right now.</summary>
    public IReadOnlyDictionary<int, IReadOnlyList<string>> CardsByUser => Read(() =>
        (IReadOnlyDictionary<int, IReadOnlyList<string>>)cards
            .SelectMany(c => c.Value.Select(user => (user, call: c.Key)))
            .GroupBy(x => x.user)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<string>)g.Select(x => x.call).Order(StringComparer.Ordinal).ToList()));

    /// <summary>The latest REST requests, oldest first (bounded).</summary>
    public IReadOnlyList<SandboxRequest> Requests => Read(() => requestLog.ToList());

    /// <summary>The latest logged request of a method, without copying the log (waits re-check this on every change).</summary>
    public SandboxRequest? LastRequest(string method) => Read(() =>
    {
        SandboxRequest? last = null;
        foreach (SandboxRequest request in requestLog)
        {
            if (request.Method.Equals(method, StringComparison.OrdinalIgnoreCase))
            {
                last = request;
            }
        }

        return last;
    });

    public IReadOnlyDictionary<string, int> RequestsByMethod => new Dictionary<string, int>(requestsByMethod, StringComparer.OrdinalIgnoreCase);

    public IReadOnlyDictionary<int, int> RequestsByStatus => new Dictionary<int, int>(requestsByStatus);

    public SandboxLiveCall? FindLive(string callId) => Read(() => live.GetValueOrDefault(callId));

    public SandboxFinishedCall? FindFinished(string callId) => Read(() => finished.GetValueOrDefault(callId));

    public IReadOnlyList<int> CardViewers(string callId) => Read(() => cards.TryGetValue(callId, out HashSet<int>? v) ? v.Order().ToList() : []);

    /// <summary>How many times the portal was asked to run <paramref name="method"/>: requests of its own and commands in batches.</summary>
    public int RequestCount(string method) => requestsByMethod.GetValueOrDefault(method);

    /// <summary>HTTP requests received (a batch counts once), whatever their method.</summary>
    public long HttpRequestCount => Interlocked.Read(ref httpRequests);

    public int StatusCount(int status) => requestsByStatus.GetValueOrDefault(status);

    public void AddUser(SandboxUser user)
    {
        ArgumentNullException.ThrowIfNull(user);
        Write("user", null, () => users[user.Id] = user);
    }

    public void AddCrmEntity(SandboxCrmEntity entity)
    {
        ArgumentNullException.ThrowIfNull(entity);
        Write("crm", null, () =>
        {
            crm.RemoveAll(c => c.EntityType == entity.EntityType && c.Id == entity.Id);
            crm.Add(entity);
            return entity;
        });
    }

    internal Dictionary<int, SandboxUser> UsersById => users;

    internal List<SandboxCrmEntity> Crm => crm;

    internal Dictionary<string, SandboxLiveCall> Live => live;

    internal Dictionary<string, HashSet<int>> Cards => cards;

    internal Dictionary<string, SandboxFinishedCall> Finished => finished;

    internal HashSet<string> KnownLines => lines;

    internal long NewLeadId() => nextLeadId++;

    internal long NewStatisticId() => nextStatisticId++;

    internal long NewActivityId() => nextActivityId++;

    internal long NewFileId() => nextFileId++;

    internal void AddFinished(SandboxFinishedCall call)
    {
        finished[call.CallId] = call;
        finishedOrder.Add(call.CallId);
    }

    /// <summary>Runs <paramref name="change"/> under the lock, then tells subscribers.</summary>
    internal T Write<T>(string kind, string? callId, Func<T> change)
    {
        T result;
        lock (gate)
        {
            result = change();
        }

        Tell(new SandboxChange(kind, callId));
        return result;
    }

    /// <summary>
    /// Runs a REST method and logs its request as one change: whoever sees the method's effect (a finished call, a
    /// card) also sees the request in <see cref="Requests"/>. Subscribers hear of it all after the lock is released.
    /// </summary>
    internal T Atomically<T>(Func<T> execute, Func<T, SandboxRequest> logged)
    {
        List<SandboxChange> changes = deferred ??= [];
        int start = changes.Count;
        try
        {
            lock (gate)
            {
                depth++;
                try
                {
                    T result = execute();
                    Log(logged(result));
                    changes.Add(new SandboxChange("request", null));
                    return result;
                }
                finally
                {
                    depth--;
                }
            }
        }
        finally
        {
            // Told even when the method threw: whatever it changed is there to see.
            if (depth == 0)
            {
                SandboxChange[] told = [.. changes.Skip(start)];
                changes.RemoveRange(start, changes.Count - start);
                foreach (SandboxChange change in told)
                {
                    Changed?.Invoke(this, change);
                }
            }
        }
    }

    // Changes made inside Atomically on this thread, told once its lock is released.
    [ThreadStatic]
    private static List<SandboxChange>? deferred;

    [ThreadStatic]
    private static int depth;

    private void Tell(SandboxChange change)
    {
        if (depth > 0)
        {
            deferred!.Add(change);
            return;
        }

        Changed?.Invoke(this, change);
    }

    internal T Read<T>(Func<T> read)
    {
        lock (gate)
        {
            return read();
        }
    }

    /// <summary>
    /// Counts a request when it arrives, before the method runs: whoever sees a change the request made (a finished
    /// call, a card) then also sees the request counted.
    /// </summary>
    internal void CountArrival(string method) => requestsByMethod.AddOrUpdate(method, 1, (_, n) => n + 1);

    internal void RecordRequest(DateTimeOffset arrivedAt, string method, int status, string error, string parameters, bool inBatch = false)
    {
        lock (gate)
        {
            Log(new SandboxRequest(arrivedAt, method, status, error, parameters, inBatch));
        }

        Tell(new SandboxChange("request", null));
    }

    /// <summary>
    /// Every request and batch command as it is logged, for a benchmark's own accounting (the log keeps only the last
    /// few thousand). Raised under the portal's lock: keep the handler to a queue write.
    /// </summary>
    public event Action<SandboxRequest>? Logged;

    private void Log(SandboxRequest request)
    {
        Logged?.Invoke(request);
        if (!request.InBatch)
        {
            // HTTP answers only: a batch command's error travels inside a 200.
            requestsByStatus.AddOrUpdate(request.Status, 1, (_, n) => n + 1);
            Interlocked.Increment(ref httpRequests);
        }

        requestLog.Enqueue(request);
        while (requestLog.Count > RequestLogCapacity)
        {
            requestLog.Dequeue();
        }
    }

    private void AddSeedCrm(IReadOnlyList<SeedCrmRecord> records, string type)
    {
        foreach (SeedCrmRecord r in records)
        {
            crm.Add(new SandboxCrmEntity(type, r.Id, r.Name, r.Phones, r.AssignedById));
        }
    }
}
