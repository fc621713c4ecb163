using FsBitrix.Bitrix24;
using FsBitrix.Bitrix24.Errors;
using FsBitrix.Bitrix24.Events;
using FsBitrix.ClickToCall;
using FsBitrix.Configuration;
using Microsoft.Extensions.Logging;

namespace FsBitrix.AppMode;

/// <summary>
/// What the portal must hold for this service: the click-to-call events bound in the configured kind only (online:
/// posted to its events URL; offline: queued for polling — with both, every click comes twice, app-mode notes §5)
/// and the outgoing lines. Run at every install and again at start-up and now and then, because Bitrix24 drops an
/// app's bindings when the app is updated (notes pitfall 7) and an admin may switch <c>Bitrix:Events</c>: rows of
/// the other kind, or online rows to a stale URL, are unbound.
/// </summary>
/// <param name="settings">The portal's settings (the default's, or a company's with the service's endpoints).</param>
/// <param name="section">Where its settings are, as logs name them.</param>
internal sealed partial class AppSetup(IInstallationStore installation, BitrixSettings settings, string section, ILogger<AppSetup> logger)
{
    private static readonly string[] Events = [BitrixCallEvent.ClickToCallEvent, BitrixCallEvent.CallbackEvent];

    // An install and the periodic check must not read the rows at once and each unbind what the other just bound.
    private readonly SemaphoreSlim _oneAtATime = new(1, 1);

    /// <param name="eventsUrl">
    /// Where the portal should post online events (the install's address); null at start-up and in the periodic check,
    /// when it is <c>Bitrix:PublicUrl</c>, else where the last install came, else the handler bound to our path.
    /// </param>
    /// <returns>False when something is not as it should be (logged); the tokens stay installed either way.</returns>
    /// <param name="client">The portal's client, authorised by this installation.</param>
    public async Task<bool> EnsureAsync(Bitrix24Client client, Uri? eventsUrl, CancellationToken cancellationToken)
    {
        await _oneAtATime.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await EnsureOnceAsync(client, eventsUrl, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _oneAtATime.Release();
        }
    }

    private async Task<bool> EnsureOnceAsync(Bitrix24Client client, Uri? eventsUrl, CancellationToken cancellationToken)
    {
        if (eventsUrl is not null)
        {
            await installation.SaveEventsUrlAsync(eventsUrl, cancellationToken).ConfigureAwait(false);
        }
        else if (!settings.IsOfflineEvents)
        {
            eventsUrl = ConfiguredEventsUrl() ?? await installation.LoadEventsUrlAsync(cancellationToken).ConfigureAwait(false);
        }

        IReadOnlyList<EventHandlerRow> rows;
        try
        {
            rows = await client.GetEventHandlersAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Bitrix24Exception e)
        {
            LogListFailed(e.Message);
            return false;
        }

        bool ok = true;
        foreach (string name in Events)
        {
            List<EventHandlerRow> bound = [.. rows.Where(r => string.Equals(r.EventName, name, StringComparison.OrdinalIgnoreCase))];
            ok &= await EnsureEventAsync(client, name, bound, eventsUrl, cancellationToken).ConfigureAwait(false);
        }

        return await EnsureLinesAsync(client, cancellationToken).ConfigureAwait(false) && ok;
    }

    private async Task<bool> EnsureEventAsync(Bitrix24Client client, string name, List<EventHandlerRow> bound, Uri? eventsUrl, CancellationToken cancellationToken)
    {
        bool offline = settings.IsOfflineEvents;
        Uri? handler = offline ? null : eventsUrl ?? OurOnlineHandler(bound);
        if (!offline && handler is null)
        {
            // Nothing to bind instead: what is there stays (it may still reach us).
            LogNoHandler(name, section, settings.EventsPath);
            return false;
        }

        try
        {
            // Bound first, then the stale rows unbound: for a moment a click may come twice (the handled-events record
            // acts on it once), but never not at all.
            if (bound.Any(r => offline ? r.Offline : !r.Offline && r.Handler == handler))
            {
                LogBound(name, Describe(handler), "already bound");
            }
            else
            {
                bool added = await client.BindEventAsync(name, handler, cancellationToken).ConfigureAwait(false);
                LogBound(name, Describe(handler), added ? "bound" : "already bound");
            }

            foreach (EventHandlerRow stale in bound.Where(r => offline ? !r.Offline : r.Offline || r.Handler != handler))
            {
                await client.UnbindEventAsync(name, stale.Offline ? null : stale.Handler, cancellationToken).ConfigureAwait(false);
                LogUnbound(name, stale.Offline ? "offline (polled)" : stale.Handler?.AbsoluteUri ?? "?");
            }

            return true;
        }
        catch (Bitrix24Exception e)
        {
            LogBindFailed(name, e.Message);
            return false;
        }
    }

    private async Task<bool> EnsureLinesAsync(Bitrix24Client client, CancellationToken cancellationToken)
    {
        bool ok = true;
        foreach (LineSettings line in settings.Lines)
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

    /// <summary><c>Bitrix:PublicUrl</c> + <c>Bitrix:EventsPath</c>, when the admin set it.</summary>
    public Uri? ConfiguredEventsUrl() => settings.PublicUrl is { Length: > 0 } root ? EventsUrlAt(root) : null;

    public Uri EventsUrlAt(string root) => new(new Uri(root.TrimEnd('/') + "/"), settings.EventsPath.TrimStart('/'));

    /// <summary>The online row an earlier install bound to this service's events path, whatever host it named.</summary>
    private Uri? OurOnlineHandler(List<EventHandlerRow> bound) => bound
        .Where(r => !r.Offline && r.Handler is not null)
        .Select(r => r.Handler!)
        .FirstOrDefault(h => string.Equals(h.AbsolutePath.TrimEnd('/'), "/" + settings.EventsPath.Trim('/'), StringComparison.OrdinalIgnoreCase));

    private static string Describe(Uri? handler) => handler?.AbsoluteUri ?? "offline (polled)";

    [LoggerMessage(Level = LogLevel.Information, Message = "Bitrix24 event {Event} → {Handler}: {Outcome}")]
    private partial void LogBound(string @event, string handler, string outcome);

    [LoggerMessage(Level = LogLevel.Information, Message = "Bitrix24 event {Event} → {Handler}: unbound (not what the portal's Events setting and the events URL say now)")]
    private partial void LogUnbound(string @event, string handler);

    [LoggerMessage(Level = LogLevel.Error, Message = "Bitrix24 event {Event} could not be bound, so clicks will not reach this service; install the app again: {Failure}")]
    private partial void LogBindFailed(string @event, string failure);

    [LoggerMessage(Level = LogLevel.Error, Message = "Bitrix24 event {Event} ({Section}) has no online handler and none is known: set FsBitrix:Bitrix:PublicUrl (the address Bitrix24 reaches {EventsPath} at) or install the local application again")]
    private partial void LogNoHandler(string @event, string section, string eventsPath);

    [LoggerMessage(Level = LogLevel.Error, Message = "Bitrix24 event bindings could not be read (event.get), so they were left as they are: {Failure}")]
    private partial void LogListFailed(string failure);

    [LoggerMessage(Level = LogLevel.Information, Message = "Bitrix24 outgoing line {Number}: {Outcome}")]
    private partial void LogLine(string number, string outcome);

    [LoggerMessage(Level = LogLevel.Error, Message = "Bitrix24 outgoing line {Number} could not be added: {Failure}")]
    private partial void LogLineFailed(string number, string failure);
}
