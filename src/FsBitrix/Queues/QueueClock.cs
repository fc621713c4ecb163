namespace FsBitrix.Queues;

/// <summary>
/// The clock of queue timers and waits, apart from the service's: tests drive ring timeouts with a fake one
/// while the outbox and sockets keep real time.
/// </summary>
internal sealed record QueueClock(TimeProvider Time);
