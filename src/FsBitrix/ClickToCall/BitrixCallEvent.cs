using System.Globalization;

namespace FsBitrix.ClickToCall;

/// <summary>
/// OnExternalCallStart or OnExternalCallBackStart, read from its fields (bitrix24-api.md §3.2). Optional fields
/// older portals omit (<c>IS_MOBILE</c>, <c>event_handler_id</c>) or send empty (<c>LINE_NUMBER</c>, a
/// <c>CRM_ENTITY_ID</c> of 0) are null here.
/// </summary>
internal sealed record BitrixCallEvent(string Event, string PhoneNumber)
{
    public const string ClickToCallEvent = "ONEXTERNALCALLSTART";
    public const string CallbackEvent = "ONEXTERNALCALLBACKSTART";

    public bool IsCallback => Event == CallbackEvent;

    /// <summary>The portal's CALL_ID of a click (already registered); null for a callback.</summary>
    public string? CallId { get; init; }

    /// <summary>The rep who clicked; null for a callback.</summary>
    public int? UserId { get; init; }

    /// <summary>E.164 rendering of the number when the portal sent one.</summary>
    public string? PhoneNumberInternational { get; init; }

    public string? LineNumber { get; init; }

    public string? CrmEntityType { get; init; }

    public long? CrmEntityId { get; init; }

    /// <summary>The portal's send time (<c>ts</c>), when given.</summary>
    public long? Timestamp { get; init; }

    /// <summary>
    /// The company whose portal sent the event (its FreeSWITCH domain, <c>FsBitrix:Tenants</c>), known from the token it
    /// carried; empty for the default portal.
    /// </summary>
    public string Tenant { get; init; } = string.Empty;

    /// <summary>
    /// What makes a delivery the same event: the CALL_ID of a click; for a callback (no CALL_ID) the number and
    /// the portal's send time.
    /// </summary>
    public string DeliveryKey => (Tenant.Length == 0 ? string.Empty : Tenant + "|")
        + (CallId ?? $"callback:{PhoneNumberInternational ?? PhoneNumber}:{Timestamp}");

    public static bool TryRead(IReadOnlyDictionary<string, string> f, out BitrixCallEvent? e, out string error)
    {
        e = null;
        string name = (Get(f, "event") ?? string.Empty).ToUpperInvariant();
        if (name is not (ClickToCallEvent or CallbackEvent))
        {
            error = $"event '{Shorten(name)}' is not handled here (only {ClickToCallEvent} and {CallbackEvent})";
            return false;
        }

        if ((Get(f, "data[PHONE_NUMBER]") ?? Get(f, "data[PHONE_NUMBER_INTERNATIONAL]")) is not { } phone)
        {
            error = "data[PHONE_NUMBER] is missing";
            return false;
        }

        string? callId = Get(f, "data[CALL_ID]");
        int? userId = Number(Get(f, "data[USER_ID]")) is { } u and > 0 and <= int.MaxValue ? (int)u : null;
        if (name == ClickToCallEvent && (callId is null || userId is null))
        {
            error = "a click-to-call needs data[CALL_ID] and data[USER_ID]";
            return false;
        }

        e = new BitrixCallEvent(name, phone)
        {
            CallId = callId,
            UserId = userId,
            PhoneNumberInternational = Get(f, "data[PHONE_NUMBER_INTERNATIONAL]"),
            LineNumber = Get(f, "data[LINE_NUMBER]"),
            CrmEntityType = Get(f, "data[CRM_ENTITY_TYPE]"),
            CrmEntityId = Number(Get(f, "data[CRM_ENTITY_ID]")) is > 0 and var id ? id : null,
            Timestamp = Number(Get(f, "ts")),
        };
        error = string.Empty;
        return true;
    }

    private static string? Get(IReadOnlyDictionary<string, string> f, string key) =>
        f.TryGetValue(key, out string? v) && !string.IsNullOrWhiteSpace(v) ? v.Trim() : null;

    private static long? Number(string? s) =>
        long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out long n) ? n : null;

    private static string Shorten(string s) => s.Length > 40 ? s[..40] + "…" : s;
}
