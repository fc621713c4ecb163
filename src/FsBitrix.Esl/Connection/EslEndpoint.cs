using System.Reactive.Linq;
using System.Reactive.Subjects;
using FsBitrix.Esl.Events;
using FsBitrix.Esl.Protocol;

namespace FsBitrix.Esl.Connection;

/// <summary>
/// What inbound clients and outbound sessions share: the event streams and the command calls, over whichever
/// connection is current.
/// </summary>
public abstract class EslEndpoint : IEslConnectionSink
{
    private readonly Subject<EslEvent> _events = new();
    private readonly Subject<EslFrame> _logs = new();
    private readonly Subject<EslDisconnectNotice> _notices = new();

    public EslStatistics Statistics { get; } = new();

    /// <summary>
    /// Every event, as an owned copy that may be kept. For high rates prefer <see cref="SelectEvents{T}"/>,
    /// which reads the borrowed event in place and copies nothing but what the selector returns.
    /// </summary>
    public IObservable<EslEvent> Events => _events.Select(e => e.Clone());

    /// <summary>
    /// Projects each event while it is still borrowed from the socket buffer. The selector runs on the
    /// dispatcher and must not keep the <see cref="EslEvent"/> it is given; a null result is skipped.
    /// </summary>
    public IObservable<T> SelectEvents<T>(Func<EslEvent, T?> selector) where T : class =>
        _events.Select(selector).Where(x => x is not null)!;

    /// <summary><c>log/data</c> lines after a <c>log</c> command, as (level, text).</summary>
    public IObservable<(int Level, string Text)> Logs => _logs.Select(f =>
        (int.TryParse(f.GetHeader(EslHeaders.LogLevel), out int level) ? level : 0, f.BodyText));

    public IObservable<EslDisconnectNotice> Notices => _notices.AsObservable();

    internal abstract EslConnection? CurrentConnection { get; }

    /// <summary>Sends any command and returns its reply; throws <see cref="EslDisconnectedException"/> when not connected.</summary>
    public Task<EslReply> SendAsync(EslCommand command, CancellationToken cancellationToken = default) =>
        Connection().SendAsync(command, cancellationToken);

    /// <summary>
    /// <c>api</c>: FreeSWITCH runs it on this socket's thread and delivers no events meanwhile, so use
    /// <see cref="BackgroundApiAsync"/> for anything slow (originate, transfers).
    /// </summary>
    public Task<EslReply> ApiAsync(string command, CancellationToken cancellationToken = default) =>
        SendAsync(new EslCommand("api " + command), cancellationToken);

    /// <summary><c>bgapi</c> with a Job-UUID of ours (or the one given), completed by its BACKGROUND_JOB.</summary>
    public Task<BackgroundJobResult> BackgroundApiAsync(string command, string? jobUuid = null, CancellationToken cancellationToken = default) =>
        Connection().BackgroundApiAsync(command, jobUuid, cancellationToken);

    /// <summary><c>event plain|json|xml</c>; CUSTOM subclasses are placed last, as FreeSWITCH requires.</summary>
    public Task<EslReply> SubscribeAsync(EslEventFormat format, IEnumerable<string> events,
        IEnumerable<string>? customSubclasses = null, CancellationToken cancellationToken = default) =>
        SendAsync(EventCommands.Subscribe(format, events, customSubclasses), cancellationToken);

    public Task<EslReply> FilterAsync(string header, string value, CancellationToken cancellationToken = default) =>
        SendAsync(EventCommands.Filter(header, value), cancellationToken);

    void IEslConnectionSink.OnEvent(EslEvent e) => _events.OnNext(e);

    void IEslConnectionSink.OnLog(EslFrame frame) => _logs.OnNext(frame);

    void IEslConnectionSink.OnNotice(EslDisconnectNotice notice) => _notices.OnNext(notice);

    protected void CompleteStreams()
    {
        _events.OnCompleted();
        _logs.OnCompleted();
        _notices.OnCompleted();
    }

    private EslConnection Connection() =>
        CurrentConnection ?? throw new EslDisconnectedException("not connected to FreeSWITCH");
}
