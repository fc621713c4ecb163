namespace FsBitrix.Esl.Connection;

/// <summary>Counters of one client or session, kept across reconnects.</summary>
public sealed class EslStatistics
{
    private long _framesRead;
    private long _eventsDelivered;
    private long _eventsDelayed;
    private long _framesSkipped;

    public long FramesRead => Interlocked.Read(ref _framesRead);

    public long EventsDelivered => Interlocked.Read(ref _eventsDelivered);

    /// <summary>Events that found the buffer to the subscribers full, so the socket reader waited for room.</summary>
    public long EventsDelayedByBackpressure => Interlocked.Read(ref _eventsDelayed);

    /// <summary>Frames of unknown type or with no one waiting for them, logged and skipped.</summary>
    public long FramesSkipped => Interlocked.Read(ref _framesSkipped);

    internal void FrameRead() => Interlocked.Increment(ref _framesRead);

    internal void EventDelivered() => Interlocked.Increment(ref _eventsDelivered);

    internal long EventDelayed() => Interlocked.Increment(ref _eventsDelayed);

    internal void FrameSkipped() => Interlocked.Increment(ref _framesSkipped);
}
