using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FsBitrix.Sandbox.State;

namespace FsBitrix.Sandbox.Rest.Methods;

/// <summary>
/// <c>telephony.externalcall.register</c> after Helper::registerExternalCall: user and number checks, the
/// 30-minute re-registration rule, internal-call detection, CRM binding or lead creation, and the card.
/// </summary>
internal sealed partial class RegisterMethod(PortalState state, SandboxOptions options) : IRestMethod
{
    internal static readonly TimeSpan DuplicateWindow = TimeSpan.FromMinutes(30);
    private static readonly HashSet<string> KnownSources = new(StringComparer.Ordinal) { "CALL", "OTHER", "WEB", "EMAIL", "ADVERTISING", "PARTNER", "RECOMMENDATION", "CALLBACK", "WEBFORM" };

    public string Name => "telephony.externalcall.register";

    public MethodResult Invoke(RestParams parameters) => new(Register(parameters, startedByClickToCall: false).Result);

    /// <summary>Also used by the portal itself before it sends OnExternalCallStart.</summary>
    internal (SandboxLiveCall Call, JsonObject Result) Register(RestParams p, bool startedByClickToCall)
    {
        DateTimeOffset now = state.Time.GetUtcNow();
        return state.Write("registered", null, () =>
        {
            SandboxUser user = Users.Resolve(state, p);
            string phone = Phone.StripLetters(p.String("PHONE_NUMBER"));
            if (phone.Length == 0)
            {
                throw RestError.Core("Unsupported phone number format");
            }

            long type = p.Long("TYPE");
            if (type is < 1 or > 5)
            {
                throw RestError.Core("Unknown TYPE");
            }

            DateTimeOffset start = ParseStartDate(p.String("CALL_START_DATE"), now);
            string? line = p.String("LINE_NUMBER")?.Trim() is { Length: > 0 } l ? l[..Math.Min(l.Length, 50)] : null;
            string? externalId = p.Has("EXTERNAL_CALL_ID") ? p.String("EXTERNAL_CALL_ID") : null;
            string normalized = Phone.Normalize(phone);
            bool show = p.Bool("SHOW") ?? true;

            SandboxLiveCall? duplicate = state.Live.Values.FirstOrDefault(c =>
                c.UserId == user.Id && Phone.Normalize(c.PhoneNumber) == normalized && c.Type == type
                && c.RegisteredAt > now - DuplicateWindow
                && (line is null || c.LineNumber == line)
                && (externalId is null || c.ExternalCallId == externalId));
            if (duplicate is not null)
            {
                if (show)
                {
                    Cards(duplicate.CallId).Add(user.Id);
                }

                return (duplicate, Result(duplicate, []));
            }

            if (line is not null)
            {
                state.KnownLines.Add(line);
            }

            bool portalCall = state.UsersById.Values.Any(u => u.Active && u.UfPhoneInner is { Length: > 0 } inner && Phone.Normalize(inner) == normalized);
            string entityType = string.Empty;
            long? entityId = null;
            long? createdLead = null;
            string? leadError = null;
            string callId = CallIds.New(now);
            var created = new List<SandboxCrmEntity>();
            if (!portalCall)
            {
                SandboxCrmEntity? primary = p.String("CRM_ENTITY_TYPE") is { Length: > 0 } t && p.Long("CRM_ENTITY_ID") is > 0 and var id
                    ? CrmLookup.Find(state, t, id)
                    : null;
                primary ??= CrmLookup.FindByPhone(state, normalized).FirstOrDefault();
                bool create = (p.Bool("CRM_CREATE") ?? false) || (p.Bool("CRM") ?? false);
                if (primary is null && create)
                {
                    if (Users.IsEmployeePhone(state, normalized))
                    {
                        leadError = "Lead creation is disabled for local users";
                    }
                    else
                    {
                        string source = p.String("CRM_SOURCE") is { } s && KnownSources.Contains(s) ? s : "CALL";
                        primary = new SandboxCrmEntity("LEAD", state.NewLeadId(), $"{Phone.International(phone)} - {Title(type)}", [phone], user.Id, callId, source);
                        state.Crm.Add(primary);
                        created.Add(primary);
                        createdLead = primary.Id;
                    }
                }

                if (primary is not null)
                {
                    entityType = primary.EntityType;
                    entityId = primary.Id;
                }
            }

            var call = new SandboxLiveCall(callId, externalId, user.Id, phone, (int)type, line, start, now, entityType, entityId, createdLead, portalCall, leadError, startedByClickToCall);
            state.Live[callId] = call;
            if (show)
            {
                Cards(callId).Add(user.Id);
            }

            return (call, Result(call, created));
        });
    }

    private HashSet<int> Cards(string callId)
    {
        if (!state.Cards.TryGetValue(callId, out HashSet<int>? viewers))
        {
            viewers = [];
            state.Cards[callId] = viewers;
        }

        return viewers;
    }

    private static JsonObject Result(SandboxLiveCall call, List<SandboxCrmEntity> created)
    {
        var result = new JsonObject
        {
            ["CALL_ID"] = call.CallId,
            ["CRM_CREATED_LEAD"] = call.CrmCreatedLead is { } lead && created.Count > 0 ? lead : null,
            ["CRM_CREATED_ENTITIES"] = new JsonArray([.. created.Select(c => (JsonNode)new JsonObject { ["ENTITY_TYPE"] = c.EntityType, ["ENTITY_ID"] = c.Id })]),
            ["CRM_ENTITY_TYPE"] = call.CrmEntityType,
            ["CRM_ENTITY_ID"] = call.CrmEntityId,
        };
        if (call.LeadCreationError is { } error)
        {
            result["LEAD_CREATION_ERROR"] = error;
        }

        return result;
    }

    private static string Title(long type) => type switch
    {
        1 => "Outgoing call",
        4 => "Callback",
        _ => "Incoming call",
    };

    /// <summary>Like <c>strtotime</c>: with an offset it is exact, without one it is read in the portal's zone.</summary>
    private DateTimeOffset ParseStartDate(string? value, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return now;
        }

        string text = value.Trim();
        if (OffsetSuffix().IsMatch(text)
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out DateTimeOffset withOffset))
        {
            return withOffset;
        }

        if (DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out DateTime local))
        {
            return new DateTimeOffset(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), options.PortalUtcOffset);
        }

        throw RestError.Core("CALL_START_DATE should be in the ISO-8601 format");
    }

    [GeneratedRegex(@"(Z|[+-]\d{2}:?\d{2})$", RegexOptions.IgnoreCase)]
    private static partial Regex OffsetSuffix();
}
