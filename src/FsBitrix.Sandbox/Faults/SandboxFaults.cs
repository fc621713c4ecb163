namespace FsBitrix.Sandbox.Faults;

/// <summary>The fault switches of a sandbox portal; safe to flip while requests are in flight.</summary>
public sealed class SandboxFaults
{
    private static readonly string[] AuthTypeCheckedMethods =
    [
        "telephony.externalcall.register", "telephony.externalcall.finish",
        "telephony.externalline.add", "telephony.externalline.get", "telephony.externalline.update", "telephony.externalline.delete",
    ];

    private readonly Lock _gate = new();
    private readonly List<Armed> _armed = [];

    /// <summary>Arms a fault; returns it so a test can read back what it set.</summary>
    public SandboxFault Add(SandboxFault fault)
    {
        ArgumentNullException.ThrowIfNull(fault);
        if (fault.Count is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(fault), fault.Count, "Count must be positive, or null for 'until cleared'.");
        }

        IReadOnlyCollection<string>? methods = fault.Methods ?? (fault.Kind == SandboxFaultKind.WrongAuthType ? AuthTypeCheckedMethods : null);
        var set = methods is null ? null : new HashSet<string>(methods.Select(m => m.ToLowerInvariant()), StringComparer.Ordinal);
        lock (_gate)
        {
            _armed.Add(new Armed(fault, set, fault.Count));
        }

        return fault;
    }

    /// <summary>Outage: the next <paramref name="requests"/> requests (or all, if null) get 503.</summary>
    public SandboxFault StartOutage(int? requests = null) => Add(new SandboxFault(SandboxFaultKind.Outage) { Count = requests });

    public void Clear()
    {
        lock (_gate)
        {
            _armed.Clear();
        }
    }

    public int ArmedCount
    {
        get
        {
            lock (_gate)
            {
                return _armed.Count;
            }
        }
    }

    /// <summary>
    /// Takes the first armed fault of the wanted sort for this method, using up one of its count.
    /// WRONG_AUTH_TYPE is what a webhook gets where only an application may call, so app-token calls pass it by.
    /// </summary>
    internal SandboxFault? Take(string method, bool latency, bool appCaller = false)
    {
        lock (_gate)
        {
            for (int i = 0; i < _armed.Count; i++)
            {
                Armed a = _armed[i];
                if ((a.Fault.Kind == SandboxFaultKind.Latency) != latency || (a.Methods is not null && !a.Methods.Contains(method))
                    || (appCaller && a.Fault.Kind == SandboxFaultKind.WrongAuthType))
                {
                    continue;
                }

                return Consume(i);
            }

            return null;
        }
    }

    /// <summary>
    /// A refusal for one command inside a batch: only faults that name the method take part (a fault for "every
    /// method" means every request, and the batch request took its turn already). WRONG_AUTH_TYPE stays a matter
    /// of the batch request's own auth.
    /// </summary>
    internal SandboxFault? TakeInBatch(string method)
    {
        lock (_gate)
        {
            int i = _armed.FindIndex(a => a.Methods is not null && a.Methods.Contains(method)
                && a.Fault.Kind is not (SandboxFaultKind.Latency or SandboxFaultKind.WrongAuthType));
            if (i < 0)
            {
                return null;
            }

            return Consume(i);
        }
    }

    /// <summary>Counts one use of an armed fault (under the lock): one with no uses left is disarmed.</summary>
    private SandboxFault Consume(int i)
    {
        Armed a = _armed[i];
        if (a.Remaining is { } remaining)
        {
            if (remaining <= 1)
            {
                _armed.RemoveAt(i);
            }
            else
            {
                _armed[i] = a with { Remaining = remaining - 1 };
            }
        }

        return a.Fault;
    }

    /// <summary>What the portal answers for a refusal, as a per-command error of a batch (no HTML inside JSON).</summary>
    internal static Rest.RestError AsError(SandboxFault fault) => fault.Kind switch
    {
        SandboxFaultKind.QueryLimitExceeded => new Rest.RestError(503, "QUERY_LIMIT_EXCEEDED", "Too many requests"),
        SandboxFaultKind.OperationTimeLimit => new Rest.RestError(429, "OPERATION_TIME_LIMIT", "Method is blocked due to operation time limit."),
        _ => new Rest.RestError(500, "INTERNAL_SERVER_ERROR", "Internal server error"),
    };

    private sealed record Armed(SandboxFault Fault, HashSet<string>? Methods, int? Remaining);
}
