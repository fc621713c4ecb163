namespace FsBitrix.Core.Queues;

public enum QueueCallPhase
{
    /// <summary>In the queue, nothing ringing: the caller hears music or ringback until the next step.</summary>
    Waiting,

    /// <summary>Agents' phones ring for this call.</summary>
    Ringing,

    /// <summary>An agent answered; the queue is done with the call.</summary>
    Bridged,

    /// <summary>The queue gave up and handed the caller to its fallback.</summary>
    FellBack,

    /// <summary>The caller hung up while waiting: a missed call.</summary>
    Abandoned,
}
