namespace FsBitrix.Queues;

/// <summary>One call's hands on FreeSWITCH. <see cref="Post"/> is called under the board's lock: it must only queue.</summary>
internal interface IQueueCallDriver
{
    void Post(QueueOrder order);
}
