using System.Threading.Channels;
using FsBitrix.Core.Calls;
using FsBitrix.Core.Persistence;
using FsBitrix.Outbox;
using Microsoft.Extensions.Logging;

namespace FsBitrix.Calls;

/// <summary>
/// Writes the tracker's steps to the outbox off the event thread, as group commits: the steps that queued while one
/// transaction ran go together in the next. A burst of channel events (a call's ringing phase is some thirty at
/// once) then costs one or two commits instead of one per event, and the first command of the burst is not queued
/// behind the rest. Steps are published, and flushes completed, only after their transaction committed.
/// </summary>
internal sealed partial class StepWriter : IAsyncDisposable
{
    /// <summary>Bounds one transaction, so a backlog (a disk that was failing) drains in steady commits.</summary>
    private const int MaxBatch = 512;

    private readonly Channel<CallStep> _queue = Channel.CreateUnbounded<CallStep>(new UnboundedChannelOptions { SingleReader = true });
    private readonly IOutboxStore _store;
    private readonly Action<IReadOnlyList<CallStep>> _written;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _loop;

    private readonly Func<CallState, string> _tenantOf;
    private readonly TimeProvider _time;
    private volatile WriteProblem? _problem;

    /// <param name="written">Called on the writer's thread with each committed batch, in order.</param>
    /// <param name="tenantOf">The company whose portal a call's commands go to (several companies on one switch).</param>
    /// <param name="time">When writes started failing (health), and how often that is logged.</param>
    public StepWriter(IOutboxStore store, Action<IReadOnlyList<CallStep>> written, ILogger logger, Func<CallState, string>? tenantOf = null,
        TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System;
        _tenantOf = tenantOf ?? (_ => IOutboxStore.DefaultTenant);
        _store = store;
        _written = written;
        _logger = logger;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Why the outbox cannot be written now (a full or failing disk), and since when; null while writes work.</summary>
    public WriteProblem? Problem => _problem;

    public void Enqueue(CallStep step)
    {
        if (!_queue.Writer.TryWrite(step))
        {
            step.Flushed?.TrySetException(new ObjectDisposedException(nameof(StepWriter), "The call tracker is stopping"));
        }
    }

    /// <summary>Writes what is queued, then stops; steps enqueued afterwards are dropped.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        // A disk that keeps failing would hold shutdown forever: give the queue a few seconds, then stop retrying.
        if (await Task.WhenAny(_loop, Task.Delay(TimeSpan.FromSeconds(5))).ConfigureAwait(false) != _loop)
        {
            await _stopping.CancelAsync().ConfigureAwait(false);
        }

        await _loop.ConfigureAwait(false);
        _stopping.Dispose();
    }

    private async Task RunAsync()
    {
        var batch = new List<CallStep>();
        ChannelReader<CallStep> reader = _queue.Reader;
        try
        {
            while (await reader.WaitToReadAsync().ConfigureAwait(false))
            {
                batch.Clear();
                while (batch.Count < MaxBatch && reader.TryRead(out CallStep? step))
                {
                    batch.Add(step);
                }

                await WriteAsync(batch).ConfigureAwait(false);
                Publish(batch);
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            LogAbandoned(batch.Count + reader.Count);
        }
    }

    /// <summary>The outbox write must not be lost: a failing disk is retried until it works, loudly.</summary>
    private async Task WriteAsync(List<CallStep> batch)
    {
        List<OutboxWrite> writes = ToWrites(batch);
        if (writes.Count == 0)
        {
            return;
        }

        for (int attempt = 1; ; attempt++)
        {
            try
            {
                foreach (CallCommand command in await _store.AppendAsync(writes, _stopping.Token).ConfigureAwait(false))
                {
                    LogAlreadyFinished(command.BitrixCallId!, command.GetType().Name, command.CallKey);
                }

                if (_problem is { } solved)
                {
                    _problem = null;
                    LogPersistRecovered(_time.GetUtcNow() - solved.Since);
                }

                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Nothing is lost (the steps wait here, the calls go on being followed); said once a minute, not per retry.
                DateTimeOffset now = _time.GetUtcNow();
                WriteProblem? was = _problem;
                bool say = was is null || now - was.LoggedAt >= LogEvery;
                _problem = new WriteProblem(ex.Message, was?.Since ?? now, say ? now : was!.LoggedAt);
                if (say)
                {
                    LogPersistFailed(ex, writes.Count, attempt);
                }

                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(5000, 100 * attempt)), _stopping.Token).ConfigureAwait(false);
            }
        }
    }

    private static readonly TimeSpan LogEvery = TimeSpan.FromMinutes(1);

    // Only a call's last state in the batch is stored, so only that one is serialised.
    private List<OutboxWrite> ToWrites(List<CallStep> batch)
    {
        var lastOfCall = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < batch.Count; i++)
        {
            if (batch[i].Flushed is null)
            {
                lastOfCall[batch[i].CallKey] = i;
            }
        }

        var writes = new List<OutboxWrite>(lastOfCall.Count);
        for (int i = 0; i < batch.Count; i++)
        {
            CallStep step = batch[i];
            if (step.Flushed is not null)
            {
                continue;
            }

            bool last = lastOfCall[step.CallKey] == i;
            string? state = last && !step.State.IsOver ? CallStateJson.Serialize(step.State) : null;
            if (last || step.Commands.Count > 0)
            {
                writes.Add(new OutboxWrite(step.CallKey, step.Commands, state, step.State.IsOver,
                    step.Commands.Count > 0 ? _tenantOf(step.State) : IOutboxStore.DefaultTenant));
            }
        }

        return writes;
    }

    private void Publish(List<CallStep> batch)
    {
        try
        {
            _written(batch);
        }
#pragma warning disable CA1031 // a failing subscriber must not stop the writer: the steps are already durable
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogPublishFailed(ex);
        }

        foreach (CallStep step in batch)
        {
            step.Flushed?.TrySetResult();
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Cannot write {Count} call step(s) to the outbox (attempt {Attempt}); retrying, and saying so once a minute")]
    private partial void LogPersistFailed(Exception exception, int count, int attempt);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Bitrix24 call {CallId} was already finished; {Command} from call {CallKey} (a leg seen late) is not sent")]
    private partial void LogAlreadyFinished(string callId, string command, string callKey);

    [LoggerMessage(Level = LogLevel.Information, Message = "The outbox can be written again (it failed for {Duration}); nothing was lost")]
    private partial void LogPersistRecovered(TimeSpan duration);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Stopping with {Count} call step(s) not written to the outbox (the disk kept failing)")]
    private partial void LogAbandoned(int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "A call step subscriber failed")]
    private partial void LogPublishFailed(Exception exception);
}
