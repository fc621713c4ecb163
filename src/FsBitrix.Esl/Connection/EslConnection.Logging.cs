using Microsoft.Extensions.Logging;

namespace FsBitrix.Esl.Connection;

internal sealed partial class EslConnection
{
    [LoggerMessage(Level = LogLevel.Debug, Message = "ESL -> {Command}")]
    private partial void LogSending(EslCommand command);

    [LoggerMessage(Level = LogLevel.Error, Message = "ESL protocol error, closing the connection: {Reason}")]
    private partial void LogProtocolError(string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Skipping an ESL frame of unknown Content-Type '{ContentType}' ({Bytes} bytes)")]
    private partial void LogUnknownFrame(string contentType, int bytes);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Skipping an ESL {ContentType} that no command was waiting for")]
    private partial void LogUnexpectedReply(string contentType);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "ESL subscribers are slower than FreeSWITCH: the {Capacity}-frame buffer was full {Count} time(s); the socket reader waited")]
    private partial void LogBackpressure(long count, int capacity);

    [LoggerMessage(Level = LogLevel.Error, Message = "An ESL subscriber failed on a {ContentType} frame; delivery goes on")]
    private partial void LogSubscriberFailed(Exception exception, string contentType);
}
