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
    private readonly Lock _gate = new();
    private readonly Dictionary<int, SandboxUser> _users = [];
    private readonly List<SandboxCrmEntity> _crm = [];
    private readonly Dictionary<string, SandboxLiveCall> _live = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<int>> _cards = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SandboxFinishedCall> _finished = new(StringComparer.Ordinal);
    private readonly List<string> _finishedOrder = [];
    private readonly HashSet<string> _lines = new(StringComparer.Ordinal);
    private readonly Queue<SandboxRequest> _requestLog = new();
    private readonly ConcurrentDictionary<string, int> _requestsByMethod = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<int, int> _requestsByStatus = new();
    private long _httpRequests;
    private long _nextLeadId = 1000;
    private long _nextStatisticId = 1;
    private long _nextActivityId = 7000;
    private long _nextFileId = 9000;

    internal PortalState(SandboxSeed seed, TimeProvider time)
    {
        Time = time;
        foreach (SeedUser u in seed.Users)
        {
            _users[u.Id] = new SandboxUser(u.Id, u.Name, u.LastName, u.Email, u.Active, u.UfPhoneInner, u.UserType, u.PersonalMobile, u.WorkPhone, u.TimemanStatus);
        }

        AddSeedCrm(seed.Contacts, "CONTACT");
        AddSeedCrm(seed.Companies, "COMPANY");
        AddSeedCrm(seed.Leads, "LEAD");
        _nextLeadId = Math.Max(_nextLeadId, _crm.Count == 0 ? 0 : _crm.Max(c => c.Id) + 1);
    }

    /// <summary>Raised after every change (outside the lock); handlers must be quick.</summary>
    public event EventHandler<SandboxChange>? Changed;

    internal TimeProvider Time { get; }

    public IReadOnlyList<SandboxUser> Users => Read(() => _users.Values.OrderBy(u => u.Id).ToList());

    public IReadOnlyList<SandboxCrmEntity> CrmEntities => Read(() => _crm.ToList());

    public IReadOnlyList<SandboxCrmEntity> Leads => Read(() => _crm.Where(c => c.EntityType == "LEAD").ToList());

    public IReadOnlyList<SandboxLiveCall> LiveCalls => Read(() => _live.Values.OrderBy(c => c.RegisteredAt).ToList());

    public IReadOnlyList<SandboxFinishedCall> FinishedCalls => Read(() => _finishedOrder.Select(id => _finished[id]).ToList());

    public IReadOnlyCollection<string> Lines => Read(() => _lines.ToList());

    /// <summary>Which call cards each user sees right now.</summary>
    public IReadOnlyDictionary<int, IReadOnlyList<string>> CardsByUser => Read(() =>
        (IReadOnlyDictionary<int, IReadOnlyList<string>>)_cards
            .SelectMany(c => c.Value.Select(user => (user, call: c.Key)))
            .GroupBy(x => x.user)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<string>)g.Select(x => x.call).Order(StringComparer.Ordinal).ToList()));

    /// <summary>The latest REST requests, oldest first (bounded).</summary>
    public IReadOnlyList<SandboxRequest> Requests => Read(() => _requestLog.ToList());

    /// <summary>The latest logged request of a method, without copying the log (waits re-check this on every change).</summary>
    public SandboxRequest? LastRequest(string method) => Read(() =>
    {
        SandboxRequest? last = null;
        foreach (SandboxRequest request in _requestLog)
        {
            if (request.Method.Equals(method, StringComparison.OrdinalIgnoreCase))
            {
                last = request;
            }
        }

        return last;
    });

    public IReadOnlyDictionary<string, int> RequestsByMethod => new Dictionary<string, int>(_requestsByMethod, StringComparer.OrdinalIgnoreCase);

    public IReadOnlyDictionary<int, int> RequestsByStatus => new Dictionary<int, int>(_requestsByStatus);

    public SandboxLiveCall? FindLive(string callId) => Read(() => _live.GetValueOrDefault(callId));

    public SandboxFinishedCall? FindFinished(string callId) => Read(() => _finished.GetValueOrDefault(callId));

    public IReadOnlyList<int> CardViewers(string callId) => Read(() => _cards.TryGetValue(callId, out HashSet<int>? v) ? v.Order().ToList() : []);

    /// <summary>How many times the portal was asked to run <paramref name="method"/>: requests of its own and commands in batches.</summary>
    public int RequestCount(string method) => _requestsByMethod.GetValueOrDefault(method);

    /// <summary>HTTP requests received (a batch counts once), whatever their method.</summary>
    public long HttpRequestCount => Interlocked.Read(ref _httpRequests);

    public int StatusCount(int status) => _requestsByStatus.GetValueOrDefault(status);

    public void AddUser(SandboxUser user)
    {
        ArgumentNullException.ThrowIfNull(user);
        Write("user", null, () => _users[user.Id] = user);
    }

    public void AddCrmEntity(SandboxCrmEntity entity)
    {
        ArgumentNullException.ThrowIfNull(entity);
        Write("crm", null, () =>
        {
            _crm.RemoveAll(c => c.EntityType == entity.EntityType && c.Id == entity.Id);
            _crm.Add(entity);
            return entity;
        });
    }

    internal Dictionary<int, SandboxUser> UsersById => _users;

    internal List<SandboxCrmEntity> Crm => _crm;

    internal Dictionary<string, SandboxLiveCall> Live => _live;

    internal Dictionary<string, HashSet<int>> Cards => _cards;

    internal Dictionary<string, SandboxFinishedCall> Finished => _finished;

    internal HashSet<string> KnownLines => _lines;

    internal long NewLeadId() => _nextLeadId++;

    internal long NewStatisticId() => _nextStatisticId++;

    internal long NewActivityId() => _nextActivityId++;

    internal long NewFileId() => _nextFileId++;

    internal void AddFinished(SandboxFinishedCall call)
    {
        _finished[call.CallId] = call;
        _finishedOrder.Add(call.CallId);
    }

    /// <summary>Runs <paramref name="change"/> under the lock, then tells subscribers.</summary>
    internal T Write<T>(string kind, string? callId, Func<T> change)
    {
        T result;
        lock (_gate)
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
        List<SandboxChange> changes = _deferred ??= [];
        int start = changes.Count;
        try
        {
            lock (_gate)
            {
                _depth++;
                try
                {
                    T result = execute();
                    Log(logged(result));
                    changes.Add(new SandboxChange("request", null));
                    return result;
                }
                finally
                {
                    _depth--;
                }
            }
        }
        finally
        {
            // Told even when the method threw: whatever it changed is there to see.
            if (_depth == 0)
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
    private static List<SandboxChange>? _deferred;

    [ThreadStatic]
    private static int _depth;

    private void Tell(SandboxChange change)
    {
        if (_depth > 0)
        {
            _deferred!.Add(change);
            return;
        }

        Changed?.Invoke(this, change);
    }

    internal T Read<T>(Func<T> read)
    {
        lock (_gate)
        {
            return read();
        }
    }

    /// <summary>
    /// Counts a request when it arrives, before the method runs: whoever sees a change the request made (a finished
    /// call, a card) then also sees the request counted.
    /// </summary>
    internal void CountArrival(string method) => _requestsByMethod.AddOrUpdate(method, 1, (_, n) => n + 1);

    internal void RecordRequest(DateTimeOffset arrivedAt, string method, int status, string error, string parameters, bool inBatch = false)
    {
        lock (_gate)
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
            _requestsByStatus.AddOrUpdate(request.Status, 1, (_, n) => n + 1);
            Interlocked.Increment(ref _httpRequests);
        }

        _requestLog.Enqueue(request);
        while (_requestLog.Count > RequestLogCapacity)
        {
            _requestLog.Dequeue();
        }
    }

    private void AddSeedCrm(IReadOnlyList<SeedCrmRecord> records, string type)
    {
        foreach (SeedCrmRecord r in records)
        {
            _crm.Add(new SandboxCrmEntity(type, r.Id, r.Name, r.Phones, r.AssignedById));
        }
    }
}
