using FsBitrix.Bitrix24;
using FsBitrix.Bitrix24.Errors;
using FsBitrix.ClickToCall;
using FsBitrix.Configuration;
using Microsoft.Extensions.Logging;

namespace FsBitrix.AppMode;

/// <summary>
/// What an install sets up in the portal: the click-to-call events bound to this service (online: posted to its
/// events URL; offline: queued for polling — one kind only, as both would ring the rep twice) and the outgoing lines.
/// Bitrix24 drops an app's bindings when it is updated or removed, so every install binds again; a row that already
/// exists counts as done.
/// </summary>
internal sealed partial class AppSetup(Bitrix24Client client, FsBitrixOptions options, ILogger<AppSetup> logger)
{
    private static readonly string[] Events = [BitrixCallEvent.ClickToCallEvent, BitrixCallEvent.CallbackEvent];

    /// <returns>False when a step failed (logged); the tokens stay installed either way.</returns>
    public async Task<bool> RunAsync(Uri eventsUrl, CancellationToken cancellationToken)
    {
        bool offline = options.Bitrix.IsOfflineEvents;
        bool ok = true;
        foreach (string name in Events)
        {
            try
            {
                bool added = await client.BindEventAsync(name, offline ? null : eventsUrl, cancellationToken).ConfigureAwait(false);
                LogBound(name, offline ? "offline (polled)" : eventsUrl.AbsoluteUri, added ? "bound" : "already bound");
            }
            catch (Bitrix24Exception e)
            {
                ok = false;
                LogBindFailed(name, e.Message);
            }
        }

        foreach (LineSettings line in options.Bitrix.Lines)
        {
            try
            {
                bool added = await client.AddExternalLineAsync(line.Number, line.Name, cancellationToken).ConfigureAwait(false);
                LogLine(line.Number, added ? "added" : "already there");
            }
            catch (Bitrix24Exception e)
            {
                ok = false;
                LogLineFailed(line.Number, e.Message);
            }
        }

        return ok;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Bitrix24 event {Event} → {Handler}: {Outcome}")]
    private partial void LogBound(string @event, string handler, string outcome);

    [LoggerMessage(Level = LogLevel.Error, Message = "Bitrix24 event {Event} could not be bound, so clicks will not reach this service; install the app again: {Failure}")]
    private partial void LogBindFailed(string @event, string failure);

    [LoggerMessage(Level = LogLevel.Information, Message = "Bitrix24 outgoing line {Number}: {Outcome}")]
    private partial void LogLine(string number, string outcome);

    [LoggerMessage(Level = LogLevel.Error, Message = "Bitrix24 outgoing line {Number} could not be added: {Failure}")]
    private partial void LogLineFailed(string number, string failure);
}
