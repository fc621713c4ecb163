using FsBitrix.Esl.Events;

namespace FsBitrix.Simulator.Tests.Support;

/// <summary>Events a client received, in order, with awaitable conditions instead of sleeps.</summary>
internal sealed class EventLog : IObserver<EslEvent>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private readonly List<EslEvent> _events = [];
    private readonly List<(Func<IReadOnlyList<EslEvent>, bool> Condition, TaskCompletionSource Done)> _waiters = [];
    private readonly Lock _gate = new();

    public List<EslEvent> Snapshot()
    {
        lock (_gate)
        {
            return [.. _events];
        }
    }

    /// <summary>Completes when the log satisfies <paramref name="condition"/>; fails the test after 10 s.</summary>
    public async Task<List<EslEvent>> WaitAsync(Func<IReadOnlyList<EslEvent>, bool> condition)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (condition(_events))
            {
                return [.. _events];
            }

            _waiters.Add((condition, done));
        }

        await done.Task.WaitAsync(Patience);
        return Snapshot();
    }

    public Task<List<EslEvent>> WaitForCountAsync(int count) => WaitAsync(e => e.Count >= count);

    public Task<List<EslEvent>> WaitForAsync(string eventName) => WaitAsync(e => e.Any(x => x.EventName == eventName));

    public void OnNext(EslEvent value)
    {
        lock (_gate)
        {
            _events.Add(value);
            foreach (var waiter in _waiters.Where(w => w.Condition(_events)).ToList())
            {
                _waiters.Remove(waiter);
                waiter.Done.TrySetResult();
            }
        }
    }

    public void OnError(Exception error)
    {
    }

    public void OnCompleted()
    {
    }
}
