namespace FsBitrix.Sandbox.OAuth;

/// <summary>One <c>event.bind</c> row: online rows have a handler URL, offline rows a connector (empty by default).</summary>
public sealed record EventBinding(string Event, string? Handler, int AuthType, bool Offline, string ConnectorId);

/// <summary>
/// The application's handler rows (<c>b_rest_event</c>). Unique per event, handler, auth_type and connector
/// (S-EVTBL <c>checkUniq</c>); online and offline rows are independent, so binding both delivers twice.
/// </summary>
public sealed class EventBindings
{
    private readonly Lock _gate = new();
    private readonly List<EventBinding> _rows = [];

    public IReadOnlyList<EventBinding> All
    {
        get
        {
            lock (_gate)
            {
                return [.. _rows];
            }
        }
    }

    public IReadOnlyList<EventBinding> For(string eventName) => [.. All.Where(b => string.Equals(b.Event, eventName, StringComparison.OrdinalIgnoreCase))];

    /// <summary>False when the same row already exists ("Handler already binded").</summary>
    internal bool TryAdd(EventBinding binding)
    {
        lock (_gate)
        {
            if (_rows.Contains(binding))
            {
                return false;
            }

            _rows.Add(binding);
            return true;
        }
    }

    /// <summary>What Bitrix24 does to an app's rows when the app is updated or reinstalled from the market: all gone.</summary>
    public int DropAll() => Remove(_ => true);

    internal int Remove(Func<EventBinding, bool> match)
    {
        lock (_gate)
        {
            return _rows.RemoveAll(b => match(b));
        }
    }
}
