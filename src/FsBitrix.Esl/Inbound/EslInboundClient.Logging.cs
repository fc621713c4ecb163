using Microsoft.Extensions.Logging;

namespace FsBitrix.Esl.Inbound;

public sealed partial class EslInboundClient
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Connected to FreeSWITCH ESL {Host}:{Port} (connection #{Epoch})")]
    private partial void LogConnected(string host, int port, int epoch);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lost FreeSWITCH ESL {Host}:{Port}: {Reason}; reconnecting")]
    private partial void LogDisconnected(string host, int port, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cannot connect to FreeSWITCH ESL {Host}:{Port}: {Reason}; retrying")]
    private partial void LogConnectFailed(string host, int port, string reason);

    [LoggerMessage(Level = LogLevel.Error,
        Message = "FreeSWITCH ESL {Host}:{Port} refused us: {Reason}. Check Esl:Password and the ACL in event_socket.conf.xml")]
    private partial void LogRefused(string host, int port, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "FreeSWITCH refused the subscription '{Command}': {Reply}")]
    private partial void LogSubscriptionRefused(string command, string reply);
}
