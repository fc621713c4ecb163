using Microsoft.Extensions.Logging;

namespace FsBitrix.ClickToCall;

/// <summary>
/// Where a trusted event enters click-to-call, whichever way it came (posted online, or polled offline): recorded
/// as accepted (so it survives a restart and a repeat is recognised), then queued for the background.
/// </summary>
/// <remarks>A standby (shared database) only records it: the leader's worker finds it there and places it.</remarks>
internal sealed partial class ClickIntake(IHandledEvents handled, ClickToCallWorker worker, Leadership.InstanceRole leadership, ILogger<ClickIntake> logger)
{
    /// <returns>False for a repeated delivery, which is ignored.</returns>
    public async Task<bool> AcceptAsync(BitrixCallEvent e, string via, CancellationToken cancellationToken)
    {
        ClickAttempt attempt = ClickAttempt.Accept(e);
        if (!await handled.TryAcceptAsync(attempt, cancellationToken).ConfigureAwait(false))
        {
            LogRepeated(e.Event, e.DeliveryKey, via);
            return false;
        }

        LogAccepted(e.Event, e.CallId ?? "(callback)", e.UserId ?? 0, via);
        if (leadership.IsLeading)
        {
            worker.Enqueue(attempt);
        }

        return true;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Event} {Key} delivered again ({Via}); ignored")]
    private partial void LogRepeated(string @event, string key, string via);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Event} {CallId} accepted (user {UserId}, {Via})")]
    private partial void LogAccepted(string @event, string callId, int userId, string via);
}
