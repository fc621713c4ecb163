using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Threading.Channels;
using FsBitrix.Esl.Events;
using FsBitrix.Esl.Protocol;
using Microsoft.Extensions.Logging;

namespace FsBitrix.Esl.Connection;

/// <summary>
/// One Event Socket connection, either direction. A reader task frames bytes and routes replies to their
/// commands in send order (FreeSWITCH answers one command at a time); events go through a bounded channel to a
/// dispatcher task, so subscribers never run on, or stall, the reader. Commands, jobs and executions still
/// waiting when the connection ends are all faulted.
/// </summary>
internal sealed partial class EslConnection : IAsyncDisposable
{
    private readonly Stream _stream;
    private readonly PipeReader _reader;
    private readonly EslConnectionOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly EslStatistics _statistics;
    private readonly IEslConnectionSink _sink;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly Lock _gate = new();
    private readonly Queue<TaskCompletionSource<EslFrame?>> _replies = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource<BackgroundJobResult>> _jobs = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, TaskCompletionSource<EslEvent>> _executions = new(StringComparer.OrdinalIgnoreCase);
    private readonly Channel<EslFrame> _inbox;
    private readonly TaskCompletionSource _authRequested = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<Exception?> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stop = new();
    private Task _readTask = Task.CompletedTask;
    private Task _dispatchTask = Task.CompletedTask;
    private bool _isClosed;

    public EslConnection(Stream stream, EslConnectionOptions options, IEslConnectionSink sink, EslStatistics statistics,
        ILogger logger, TimeProvider time)
    {
        _stream = stream;
        _reader = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 64 * 1024, leaveOpen: true));
        _options = options;
        _sink = sink;
        _statistics = statistics;
        _logger = logger;
        _time = time;
        _inbox = Channel.CreateBounded<EslFrame>(new BoundedChannelOptions(options.EventBufferCapacity)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    /// <summary>Completes when the connection has ended, with the reason (null for a clean close).</summary>
    public Task<Exception?> Closed => _closed.Task;

    /// <summary>Completes when FreeSWITCH has sent <c>auth/request</c> (inbound connections only).</summary>
    public Task AuthRequested => _authRequested.Task;

    /// <summary>Starts reading at once, so no frame that arrives before anyone subscribes is lost.</summary>
    public void Start()
    {
        _readTask = ReadsBlock ? StartReaderThread() : Task.Run(ReadLoopAsync);
        _dispatchTask = Task.Run(DispatchLoopAsync);
    }

    /// <summary>What the connection reads and writes (tests look at the socket under it).</summary>
    internal Stream Transport => _stream;

    /// <summary>Reads on a thread of its own that the kernel wakes (see <see cref="BlockingSocketStream"/>).</summary>
    private bool ReadsBlock => _stream is BlockingSocketStream;

    private Task StartReaderThread()
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            // Every read completes synchronously, so the loop never leaves this thread.
            try
            {
                ReadLoopAsync().GetAwaiter().GetResult();
                done.SetResult();
            }
#pragma warning disable CA1031 // an exception on a thread of our own would end the process: it goes to whoever awaits the loop
            catch (Exception ex)
#pragma warning restore CA1031
            {
                done.SetException(ex);
            }
        })
        {
            IsBackground = true,
            Name = "ESL reader",
        };
        thread.Start();
        return done.Task;
    }

    public async Task<EslReply> SendAsync(EslCommand command, CancellationToken cancellationToken = default)
    {
        EslFrame? frame = await SendForFrameAsync(command, cancellationToken).ConfigureAwait(false);
        using (frame)
        {
            return frame is null ? throw new EslDisconnectedException() : EslReply.From(frame);
        }
    }

    /// <summary>Sends a command and hands back the reply frame itself (the outbound connect reply is an event).</summary>
    public async Task<EslFrame?> SendForFrameAsync(EslCommand command, CancellationToken cancellationToken)
    {
        byte[] bytes = command.ToBytes();
        var reply = new TaskCompletionSource<EslFrame?>(TaskCreationOptions.RunContinuationsAsynchronously);
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            lock (_gate)
            {
                if (_isClosed)
                {
                    throw new EslDisconnectedException($"cannot send '{command}': the connection is closed", _closed.Task.Result);
                }

                // Queued before writing, under the write lock: the queue order is the wire order.
                _replies.Enqueue(reply);
            }

            LogSending(command);

            // The write itself is not cancellable: half a command on the wire would desynchronise the socket.
            await _stream.WriteAsync(bytes, CancellationToken.None).ConfigureAwait(false);
            await _stream.FlushAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            Close(ex);
            throw new EslDisconnectedException($"cannot send '{command}': {ex.Message}", ex);
        }
        finally
        {
            _writeLock.Release();
        }

        try
        {
            return await reply.Task.WaitAsync(_options.CommandTimeout, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"no reply to '{command}' within {_options.CommandTimeout.TotalSeconds:0.#} s");
        }
    }

    /// <summary>
    /// Runs <c>bgapi</c> with a Job-UUID chosen here and registered before sending, so the BACKGROUND_JOB
    /// cannot arrive before anyone waits for it.
    /// </summary>
    public async Task<BackgroundJobResult> BackgroundApiAsync(string command, string? jobUuid, CancellationToken cancellationToken)
    {
        string job = jobUuid ?? Guid.NewGuid().ToString();
        var result = new TaskCompletionSource<BackgroundJobResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_jobs.TryAdd(job, result))
        {
            throw new ArgumentException($"a job with Job-UUID {job} is already running", nameof(jobUuid));
        }

        try
        {
            EslReply reply = await SendAsync(new EslCommand("bgapi " + command).WithHeader(EslHeaders.JobUuid, job), cancellationToken)
                .ConfigureAwait(false);
            if (!reply.IsSuccess)
            {
                return new BackgroundJobResult(job, reply.Text);
            }

            FaultIfClosed(result);
            return await result.Task.WaitAsync(_options.BackgroundJobTimeout, _time, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _jobs.TryRemove(job, out _);
        }
    }

    /// <summary>
    /// <c>sendmsg</c> execute with an <c>Event-UUID</c>, completed by the CHANNEL_EXECUTE_COMPLETE that carries it
    /// as <c>Application-UUID</c> (the session must receive that event: <c>myevents</c> does).
    /// </summary>
    public async Task<EslEvent> ExecuteAsync(string? channelUuid, string application, string? argument, bool eventLock,
        TimeSpan timeout, CancellationToken cancellationToken)
    {
        string eventUuid = Guid.NewGuid().ToString();
        var done = new TaskCompletionSource<EslEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        _executions[eventUuid] = done;
        try
        {
            EslCommand command = SendMessage.Execute(channelUuid, application, argument, eventLock, eventUuid);
            EslReply reply = await SendAsync(command, cancellationToken).ConfigureAwait(false);
            if (!reply.IsSuccess)
            {
                throw new InvalidOperationException($"FreeSWITCH refused to execute {application}: {reply.Text}");
            }

            FaultIfClosed(done);
            return await done.Task.WaitAsync(timeout, _time, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _executions.TryRemove(eventUuid, out _);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Close(null);
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await Task.WhenAll(_readTask, _dispatchTask).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopping is what was asked for.
        }

        await _reader.CompleteAsync().ConfigureAwait(false);
        await _stream.DisposeAsync().ConfigureAwait(false);
        _writeLock.Dispose();
        _stop.Dispose();
    }

    private void FaultIfClosed<T>(TaskCompletionSource<T> waiter)
    {
        if (Volatile.Read(ref _isClosed))
        {
            waiter.TrySetException(new EslDisconnectedException("the connection closed before the answer came", _closed.Task.Result));
        }
    }

    private void Close(Exception? reason)
    {
        TaskCompletionSource<EslFrame?>[] replies;
        lock (_gate)
        {
            if (_isClosed)
            {
                return;
            }

            _isClosed = true;
            _closed.TrySetResult(reason);
            replies = [.. _replies];
            _replies.Clear();
        }

        var gone = new EslDisconnectedException(
            reason is null ? "the Event Socket connection closed" : $"the Event Socket connection failed: {reason.Message}", reason);
        foreach (TaskCompletionSource<EslFrame?> reply in replies)
        {
            reply.TrySetException(gone);
        }

        foreach (TaskCompletionSource<BackgroundJobResult> job in _jobs.Values)
        {
            job.TrySetException(gone);
        }

        foreach (TaskCompletionSource<EslEvent> execution in _executions.Values)
        {
            execution.TrySetException(gone);
        }

        _authRequested.TrySetException(gone);
        _inbox.Writer.TryComplete();

        // Unblocks a reader parked in ReadAsync; the socket is done either way.
        _stream.Dispose();
    }
}
