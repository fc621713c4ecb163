namespace FsBitrix.Bitrix24.Tests.Support;

/// <summary>A counter that can be awaited until it reaches a value (with a timeout, never by sleeping).</summary>
internal sealed class Signal
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private readonly Lock _gate = new();
    private readonly List<(int Target, TaskCompletionSource Done)> _waiters = [];
    private int _value;

    public int Value => Volatile.Read(ref _value);

    public void Increment()
    {
        List<TaskCompletionSource> ready = [];
        lock (_gate)
        {
            _value++;
            _waiters.RemoveAll(w =>
            {
                if (_value >= w.Target)
                {
                    ready.Add(w.Done);
                    return true;
                }

                return false;
            });
        }

        ready.ForEach(t => t.TrySetResult());
    }

    public async Task WaitForAsync(int target)
    {
        TaskCompletionSource done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (_value >= target)
            {
                return;
            }

            _waiters.Add((target, done));
        }

        try
        {
            await done.Task.WaitAsync(Timeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"Counter stayed at {Value}, expected {target}.");
        }
    }
}
