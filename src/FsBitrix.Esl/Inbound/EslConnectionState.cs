namespace FsBitrix.Esl.Inbound;

public enum EslConnectionStatus
{
    Connecting,
    Connected,
    Disconnected,

    /// <summary>FreeSWITCH refused the password or the address; retried, but slowly and loudly.</summary>
    Refused,
    Stopped,
}

/// <summary>
/// The client's connection state. <see cref="Epoch"/> counts successful connects: a new epoch after the first
/// means events may have been missed, and whoever tracks calls must resynchronise.
/// </summary>
public sealed record EslConnectionState(EslConnectionStatus Status, int Epoch, Exception? LastError, DateTimeOffset Since)
{
    public bool IsConnected => Status == EslConnectionStatus.Connected;
}
