using System.Buffers;
using System.IO.Pipelines;
using FsBitrix.Esl.Events;
using FsBitrix.Esl.Protocol;

namespace FsBitrix.Esl.Connection;

internal sealed partial class EslConnection
{
    private async Task ReadLoopAsync()
    {
        Exception? failure = null;
        try
        {
            while (true)
            {
                ReadResult read = await _reader.ReadAsync(_stop.Token).ConfigureAwait(false);
                ReadOnlySequence<byte> buffer = read.Buffer;
                try
                {
                    while (EslFrameParser.TryReadFrame(ref buffer, _options.Parser, out EslFrame? frame))
                    {
                        _statistics.FrameRead();
                        await RouteAsync(frame).ConfigureAwait(false);
                    }
                }
                finally
                {
                    _reader.AdvanceTo(buffer.Start, buffer.End);
                }

                if (read.IsCompleted)
                {
                    if (!buffer.IsEmpty)
                    {
                        failure = new EslProtocolException($"the connection closed inside a frame ({buffer.Length} bytes unread)");
                    }

                    break;
                }
            }
        }
        catch (EslProtocolException ex)
        {
            failure = ex;
            LogProtocolError(ex.Message);
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException)
        {
            // A socket closed under the reader: an ordinary end unless something else says otherwise.
            failure = Volatile.Read(ref _isClosed) ? null : ex;
        }

        Close(failure);
    }

    private async ValueTask RouteAsync(EslFrame frame)
    {
        switch (frame.ContentType)
        {
            case EslContentType.CommandReply:
            case EslContentType.ApiResponse:
                CompleteReply(frame);
                break;
            case EslContentType.AuthRequest:
                _authRequested.TrySetResult();
                frame.Dispose();
                break;
            case EslContentType.RudeRejection:
                _authRequested.TrySetException(new EslRudeRejectionException(
                    $"FreeSWITCH rejected this connection: {frame.BodyText.Trim()} (check the ACL in event_socket.conf.xml)"));
                frame.Dispose();
                break;
            case EslContentType.EventPlain:
            case EslContentType.EventJson:
            case EslContentType.EventXml:
            case EslContentType.LogData:
            case EslContentType.DisconnectNotice:
                if (!_inbox.Writer.TryWrite(frame))
                {
                    long delayed = _statistics.EventDelayed();
                    if (delayed == 1 || delayed % 1000 == 0)
                    {
                        LogBackpressure(delayed, _options.EventBufferCapacity);
                    }

                    try
                    {
                        ValueTask written = _inbox.Writer.WriteAsync(frame, _stop.Token);
                        if (ReadsBlock)
                        {
                            // The reader thread waits itself: an await would move the loop, and its blocking reads, to the pool.
                            written.AsTask().GetAwaiter().GetResult();
                        }
                        else
                        {
                            await written.ConfigureAwait(false);
                        }
                    }
                    catch (Exception)
                    {
                        frame.Dispose();
                        throw;
                    }
                }

                break;
            default:
                _statistics.FrameSkipped();
                LogUnknownFrame(frame.ContentTypeText, frame.Length);
                frame.Dispose();
                break;
        }
    }

    private void CompleteReply(EslFrame frame)
    {
        TaskCompletionSource<EslFrame?>? waiter;
        lock (_gate)
        {
            _replies.TryDequeue(out waiter);
        }

        if (waiter is null || !waiter.TrySetResult(frame))
        {
            _statistics.FrameSkipped();
            LogUnexpectedReply(frame.ContentTypeText);
            frame.Dispose();
        }
    }

    private async Task DispatchLoopAsync()
    {
        await foreach (EslFrame frame in _inbox.Reader.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
        {
            using (frame)
            {
                try
                {
                    Dispatch(frame);
                }
#pragma warning disable CA1031 // a failing subscriber must not stop delivery to the others or kill the connection
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    LogSubscriberFailed(ex, frame.ContentTypeText);
                }
            }
        }
    }

    private void Dispatch(EslFrame frame)
    {
        switch (frame.ContentType)
        {
            case EslContentType.LogData:
                _sink.OnLog(frame);
                return;
            case EslContentType.DisconnectNotice:
                _sink.OnNotice(EslDisconnectNotice.From(frame));
                return;
        }

        EslEvent e = frame.Event;
        switch (e.EventName)
        {
            case EslEventNames.BackgroundJob when e.JobUuid is { } job && _jobs.TryRemove(job, out var waiter):
                waiter.TrySetResult(new BackgroundJobResult(job, e.BodyText));
                break;
            case EslEventNames.ChannelExecuteComplete when e[EslHeaders.ApplicationUuid] is { } app
                && _executions.TryRemove(app, out var execution):
                execution.TrySetResult(e.Clone());
                break;
        }

        _statistics.EventDelivered();
        _sink.OnEvent(e);
    }
}
