using System.Text;

namespace FsBitrix.Esl.Connection;

/// <summary>Builds <c>sendmsg</c> commands (call-command execute / hangup) as switch_ivr_parse_event reads them.</summary>
public static class SendMessage
{
    // FreeSWITCH builds replies and some headers in 512- and 1024-byte buffers; longer arguments go in a body.
    private const int MaxHeaderArgument = 512;

    public static EslCommand Execute(string? channelUuid, string application, string? argument, bool eventLock, string? eventUuid)
    {
        EslCommand command = new EslCommand(Target(channelUuid))
            .WithHeader("call-command", "execute")
            .WithHeader("execute-app-name", application);
        if (eventLock)
        {
            command.WithHeader("event-lock", "true");
        }

        if (eventUuid is not null)
        {
            command.WithHeader("Event-UUID", eventUuid);
        }

        if (!string.IsNullOrEmpty(argument))
        {
            bool needsBody = argument.Length > MaxHeaderArgument || argument.AsSpan().IndexOfAny('\r', '\n') >= 0;
            if (needsBody)
            {
                command.WithBody(Encoding.UTF8.GetBytes(argument));
            }
            else
            {
                command.WithHeader("execute-app-arg", argument);
            }
        }

        return command;
    }

    public static EslCommand Hangup(string? channelUuid, string cause = "NORMAL_CLEARING") =>
        new EslCommand(Target(channelUuid))
            .WithHeader("call-command", "hangup")
            .WithHeader("hangup-cause", cause);

    private static string Target(string? channelUuid) => channelUuid is null ? "sendmsg" : "sendmsg " + channelUuid;
}
