using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace FsBitrix.Sandbox.OAuth;

/// <summary>One row of <c>b_rest_event_offline</c>.</summary>
public sealed record OfflineEvent(long Id, DateTimeOffset Timestamp, string EventName, JsonObject Data, int? UserId, string MessageId);

/// <summary>
/// The offline event queue: rows wait until <c>event.offline.get</c> takes them (oldest first). An identical
/// payload only refreshes its row's time, since <c>MESSAGE_ID = md5(EVENT_NAME|json(EVENT_DATA))</c> (S-EVOFF);
/// a click carries a fresh CALL_ID, so every click is its own row.
/// </summary>
public sealed class OfflineQueue
{
    private readonly Lock _gate = new();
    private readonly List<OfflineEvent> _rows = [];
    private long _nextId = 1;

    public IReadOnlyList<OfflineEvent> Pending
    {
        get
        {
            lock (_gate)
            {
                return [.. _rows];
            }
        }
    }

    internal OfflineEvent Add(string eventName, JsonObject data, int? userId, DateTimeOffset at)
    {
        string messageId = Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes($"{eventName}|{data.ToJsonString()}")));
        lock (_gate)
        {
            int existing = _rows.FindIndex(r => r.MessageId == messageId);
            if (existing >= 0)
            {
                OfflineEvent merged = _rows[existing] with { Timestamp = at };
                _rows[existing] = merged;
                return merged;
            }

            var row = new OfflineEvent(_nextId++, at, eventName, data, userId, messageId);
            _rows.Add(row);
            return row;
        }
    }

    /// <summary>The oldest <paramref name="limit"/> rows; with <paramref name="clear"/> they are deleted in the same step.</summary>
    internal IReadOnlyList<OfflineEvent> Take(int limit, bool clear)
    {
        lock (_gate)
        {
            List<OfflineEvent> taken = [.. _rows.OrderBy(r => r.Timestamp).ThenBy(r => r.Id).Take(limit)];
            if (clear)
            {
                _rows.RemoveAll(taken.Contains);
            }

            return taken;
        }
    }
}
