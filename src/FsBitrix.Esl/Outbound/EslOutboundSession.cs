using FsBitrix.Esl.Connection;
using FsBitrix.Esl.Events;
using FsBitrix.Esl.Protocol;
using Microsoft.Extensions.Logging;

namespace FsBitrix.Esl.Outbound;

/// <summary>
/// One call handed to us by the dialplan's <c>socket</c> application. The usual course: <see cref="ConnectAsync"/>
/// (the channel's data), <see cref="LingerAsync"/> (so the last events still arrive after hangup),
/// <see cref="MyEventsAsync"/>, then <see cref="ExecuteAsync"/> applications, and <see cref="ExitAsync"/>.
/// </summary>
public sealed class EslOutboundSession : EslEndpoint, IAsyncDisposable
{
    private readonly EslConnection _connection;
    private readonly TaskCompletionSource<EslDisconnectNotice> _hungUp = new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal EslOutboundSession(Stream stream, EslConnectionOptions options, ILogger logger, TimeProvider time)
    {
        Options = options;
        _connection = new EslConnection(stream, options, this, Statistics, logger, time);
        Notices.Subscribe(n =>
        {
            if (n.IsLinger)
            {
                _hungUp.TrySetResult(n);
            }
        });
        _connection.Closed.ContinueWith(
            t => _hungUp.TrySetException(new EslDisconnectedException("the session ended", t.Result)),
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        _connection.Start();
    }

    public EslConnectionOptions Options { get; }

    /// <summary>The channel's data from the <c>connect</c> reply (an owned CHANNEL_DATA event).</summary>
    public EslEvent? ChannelData { get; private set; }

    /// <summary>The controlled channel's UUID (after <see cref="ConnectAsync"/>).</summary>
    public string? UniqueId => ChannelData?.UniqueId;

    /// <summary>Completes when the socket is closed, with the reason (null for a clean end).</summary>
    public Task<Exception?> Closed => _connection.Closed;

    /// <summary>Completes at the linger notice: the channel hung up (needs <see cref="LingerAsync"/>).</summary>
    public Task<EslDisconnectNotice> HungUp => _hungUp.Task;

    internal override EslConnection? CurrentConnection => _connection;

    /// <summary>Must be the first command: FreeSWITCH answers with the whole channel data.</summary>
    public async Task<EslEvent> ConnectAsync(CancellationToken cancellationToken = default)
    {
        EslFrame? reply = await _connection.SendForFrameAsync(new EslCommand("connect"), cancellationToken).ConfigureAwait(false);
        using (reply)
        {
            if (reply is null)
            {
                throw new EslDisconnectedException("no reply to connect");
            }

            ChannelData = reply.AsHeaderEvent().Clone();
            return ChannelData;
        }
    }

    /// <summary><c>linger</c>: keep the socket after hangup (until <see cref="ExitAsync"/>, or for the given time).</summary>
    public Task<EslReply> LingerAsync(TimeSpan? time = null, CancellationToken cancellationToken = default) =>
        SendAsync(new EslCommand(time is { } t ? $"linger {(int)t.TotalSeconds}" : "linger"), cancellationToken);

    /// <summary><c>myevents</c>: this channel's events only (never the other leg's).</summary>
    public Task<EslReply> MyEventsAsync(EslEventFormat format = EslEventFormat.Plain, CancellationToken cancellationToken = default) =>
        SendAsync(EventCommands.MyEvents(format), cancellationToken);

    /// <summary>
    /// Runs a dialplan application on the channel and waits for its CHANNEL_EXECUTE_COMPLETE.
    /// <paramref name="eventLock"/> keeps a later application from starting inside this one.
    /// </summary>
    public Task<EslEvent> ExecuteAsync(string application, string? argument = null, bool eventLock = false,
        TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        _connection.ExecuteAsync(null, application, argument, eventLock, timeout ?? Timeout.InfiniteTimeSpan, cancellationToken);

    public Task<EslReply> HangupAsync(string cause = "NORMAL_CLEARING", CancellationToken cancellationToken = default) =>
        SendAsync(SendMessage.Hangup(null, cause), cancellationToken);

    /// <summary><c>resume</c>: when the socket ends, the channel goes on with the dialplan instead of hanging up.</summary>
    public Task<EslReply> ResumeAsync(CancellationToken cancellationToken = default) =>
        SendAsync(new EslCommand("resume"), cancellationToken);

    /// <summary><c>exit</c>: FreeSWITCH answers <c>+OK bye</c>, sends its disconnect notice and closes.</summary>
    public Task<EslReply> ExitAsync(CancellationToken cancellationToken = default) =>
        SendAsync(new EslCommand("exit"), cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _connection.DisposeAsync().ConfigureAwait(false);
        CompleteStreams();
    }
}
