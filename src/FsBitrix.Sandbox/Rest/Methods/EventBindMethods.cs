using System.Text.Json.Nodes;
using FsBitrix.Sandbox.OAuth;

namespace FsBitrix.Sandbox.Rest.Methods;

/// <summary>
/// <c>event.bind</c>: application auth only. <c>event</c> is upper-cased; online rows need a <c>handler</c>
/// (http/https, host with a dot; the sandbox also keeps it on loopback), offline rows ignore it.
/// </summary>
internal sealed class EventBindMethod(EventBindings bindings) : ICallerAwareMethod
{
    /// <summary>The events this portal knows; anything else is <c>ERROR_EVENT_NOT_FOUND</c>, as for a missing scope.</summary>
    public static readonly string[] Known = ["ONEXTERNALCALLSTART", "ONEXTERNALCALLBACKSTART", "ONAPPUNINSTALL", "ONAPPINSTALL", "ONOFFLINEEVENT"];

    public string Name => "event.bind";

    public MethodResult Invoke(RestParams parameters) => throw AppOnly.WrongAuthType();

    public MethodResult Invoke(RestParams parameters, RestCaller caller)
    {
        AppOnly.Require(caller);
        EventBinding binding = Read(parameters, caller);
        if (!bindings.TryAdd(binding))
        {
            throw RestError.ErrorCore("Unable to set event handler: Handler already binded");
        }

        return new MethodResult(JsonValue.Create(true));
    }

    private static EventBinding Read(RestParams p, RestCaller caller)
    {
        string name = (Param(p, "event") ?? string.Empty).Trim().ToUpperInvariant();
        if (name.Length == 0)
        {
            throw AppOnly.Missing("EVENT");
        }

        if (!Known.Contains(name, StringComparer.Ordinal))
        {
            throw new RestError(400, "ERROR_EVENT_NOT_FOUND", "Event not found");
        }

        bool offline = string.Equals(Param(p, "event_type"), "offline", StringComparison.OrdinalIgnoreCase);
        if (offline && name == "ONOFFLINEEVENT")
        {
            throw RestError.Core("Offline event cannot be registered for this event.");
        }

        int authType = (int)RestParams.ToLongText(Param(p, "auth_type") ?? "0");
        if (offline)
        {
            return new EventBinding(name, null, authType, true, Param(p, "auth_connector") ?? string.Empty);
        }

        string handler = Param(p, "handler") ?? string.Empty;
        if (handler.Length == 0)
        {
            throw AppOnly.Missing("HANDLER");
        }

        CheckHandler(handler);
        return new EventBinding(name, handler, authType, false, string.Empty);
    }

    private static void CheckHandler(string handler)
    {
        if (!Uri.TryCreate(handler, UriKind.Absolute, out Uri? url) || !url.Host.Contains('.', StringComparison.Ordinal))
        {
            throw new RestError(400, "ERROR_WRONG_HANDLER_URL", "Wrong handler URL");
        }

        if (url.Scheme is not ("http" or "https"))
        {
            throw new RestError(400, "ERROR_UNSUPPORTED_PROTOCOL", "Unsupported event handler protocol");
        }

        if (!url.IsLoopback)
        {
            throw new RestError(400, "ERROR_WRONG_HANDLER_URL", "Wrong handler URL (the sandbox delivers events only to loopback handlers)");
        }
    }

    /// <summary>Keys are case-insensitive (<c>EVENT</c> or <c>event</c>), as the code reads them.</summary>
    internal static string? Param(RestParams p, string name) =>
        p.Root.FirstOrDefault(kv => string.Equals(kv.Key, name, StringComparison.OrdinalIgnoreCase)).Value is JsonValue v ? RestParams.Scalar(v) : null;
}

/// <summary><c>event.unbind</c>: <c>event</c> required, online also <c>handler</c>; answers <c>{"count":N}</c>.</summary>
internal sealed class EventUnbindMethod(EventBindings bindings) : ICallerAwareMethod
{
    public string Name => "event.unbind";

    public MethodResult Invoke(RestParams parameters) => throw AppOnly.WrongAuthType();

    public MethodResult Invoke(RestParams parameters, RestCaller caller)
    {
        AppOnly.Require(caller);
        string name = (EventBindMethod.Param(parameters, "event") ?? string.Empty).Trim().ToUpperInvariant();
        if (name.Length == 0)
        {
            throw AppOnly.Missing("EVENT");
        }

        bool offline = string.Equals(EventBindMethod.Param(parameters, "event_type"), "offline", StringComparison.OrdinalIgnoreCase);
        string handler = EventBindMethod.Param(parameters, "handler") ?? string.Empty;
        if (!offline && handler.Length == 0)
        {
            throw AppOnly.Missing("HANDLER");
        }

        string connector = EventBindMethod.Param(parameters, "auth_connector") ?? string.Empty;
        int count = bindings.Remove(b => b.Event == name && b.Offline == offline && (offline ? b.ConnectorId == connector : b.Handler == handler));
        return new MethodResult(new JsonObject { ["count"] = count });
    }
}

/// <summary><c>event.get</c>: online rows as <c>{event,handler,auth_type,offline:0}</c>, offline as <c>{event,connector_id,offline:1}</c>.</summary>
internal sealed class EventGetMethod(EventBindings bindings) : ICallerAwareMethod
{
    public string Name => "event.get";

    public MethodResult Invoke(RestParams parameters) => throw AppOnly.WrongAuthType();

    public MethodResult Invoke(RestParams parameters, RestCaller caller)
    {
        AppOnly.Require(caller);
        var rows = new JsonArray();
        foreach (EventBinding b in bindings.All)
        {
            rows.Add(b.Offline
                ? new JsonObject { ["event"] = b.Event, ["connector_id"] = b.ConnectorId, ["offline"] = 1 }
                : new JsonObject { ["event"] = b.Event, ["handler"] = b.Handler, ["auth_type"] = b.AuthType.ToString(System.Globalization.CultureInfo.InvariantCulture), ["offline"] = 0 });
        }

        return new MethodResult(rows);
    }
}
