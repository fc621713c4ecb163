using FsBitrix.Esl.Protocol;

namespace FsBitrix.Esl.Connection;

/// <summary>
/// A <c>text/disconnect-notice</c>. With <c>Content-Disposition: linger</c> the channel hung up but the socket
/// stays open for the remaining events; otherwise FreeSWITCH is closing the socket.
/// </summary>
public sealed record EslDisconnectNotice(string? Disposition, string? ControlledSessionUuid, string? LingerTime, string Message)
{
    public bool IsLinger => string.Equals(Disposition, "linger", StringComparison.OrdinalIgnoreCase);

    internal static EslDisconnectNotice From(EslFrame frame) => new(
        frame.GetHeader(EslHeaders.ContentDisposition),
        frame.GetHeader(EslHeaders.ControlledSessionUuid),
        frame.GetHeader(EslHeaders.LingerTime),
        frame.BodyText);
}
