using System.Globalization;
using System.Text.Json.Nodes;
using FsBitrix.Sandbox.State;

namespace FsBitrix.Sandbox.Rest.Methods;

/// <summary>
/// <c>user.get</c>: pages of exactly 50 with <c>next</c> and <c>total</c>; FILTER on ID, ACTIVE, UF_PHONE_INNER,
/// USER_TYPE, NAME, LAST_NAME, EMAIL (with the <c>=</c> and <c>!</c> prefixes, arrays meaning "any of").
/// </summary>
internal sealed class UserGetMethod(PortalState state) : IRestMethod
{
    private const int PageSize = 50;

    public string Name => "user.get";

    public MethodResult Invoke(RestParams p)
    {
        RestParams? filter = p.Pick("FILTER", "filter") is { } key ? p.Object(key) : null;
        string sort = p.String(p.Pick("sort", "SORT") ?? "sort") ?? "ID";
        bool descending = string.Equals(p.String(p.Pick("order", "ORDER") ?? "order"), "DESC", StringComparison.OrdinalIgnoreCase);
        long start = p.Long("start");

        List<SandboxUser> matching = state.Read(() => state.UsersById.Values.Where(u => Matches(u, filter)).ToList());
        IOrderedEnumerable<SandboxUser> ordered = sort.Equals("ID", StringComparison.OrdinalIgnoreCase)
            ? (descending ? matching.OrderByDescending(u => u.Id) : matching.OrderBy(u => u.Id))
            : (descending ? matching.OrderByDescending(u => Field(u, sort), StringComparer.Ordinal) : matching.OrderBy(u => Field(u, sort), StringComparer.Ordinal));
        List<SandboxUser> sorted = [.. ordered];

        long offset = Math.Max(0, start);
        var page = new JsonArray([.. sorted.Skip((int)Math.Min(offset, int.MaxValue)).Take(PageSize).Select(u => (JsonNode)ToJson(u))]);
        long? next = offset + PageSize < sorted.Count ? offset + PageSize : null;
        // start=-1 switches off counting, as in every Bitrix24 list method.
        long? total = start == -1 ? null : sorted.Count;
        return new MethodResult(page, total, next);
    }

    private static bool Matches(SandboxUser user, RestParams? filter)
    {
        if (filter is null)
        {
            return true;
        }

        foreach (KeyValuePair<string, JsonNode?> condition in filter.Root)
        {
            string key = condition.Key;
            bool negate = key.StartsWith('!');
            string field = key.TrimStart('!', '=').ToUpperInvariant();
            IReadOnlyList<string> wanted = filter.List(condition.Key);
            if (!Supported(field))
            {
                continue;
            }

            bool hit = field == "ACTIVE"
                ? wanted.Any(w => IsTrue(w) == user.Active)
                : wanted.Any(w => string.Equals(Field(user, field), w, StringComparison.OrdinalIgnoreCase));
            if (hit == negate)
            {
                return false;
            }
        }

        return true;
    }

    private static bool Supported(string field) => field is "ID" or "ACTIVE" or "UF_PHONE_INNER" or "USER_TYPE" or "NAME" or "LAST_NAME" or "EMAIL";

    private static bool IsTrue(string value) => value is "1" or "Y" or "y" || value.Equals("true", StringComparison.OrdinalIgnoreCase);

    private static string Field(SandboxUser user, string field) => field.ToUpperInvariant() switch
    {
        "ID" => user.Id.ToString(CultureInfo.InvariantCulture),
        "UF_PHONE_INNER" => user.UfPhoneInner ?? string.Empty,
        "USER_TYPE" => user.UserType,
        "NAME" => user.Name,
        "LAST_NAME" => user.LastName,
        "EMAIL" => user.Email,
        "ACTIVE" => user.Active ? "Y" : "N",
        _ => string.Empty,
    };

    private static JsonObject ToJson(SandboxUser user)
    {
        var json = new JsonObject
        {
            ["ID"] = user.Id.ToString(CultureInfo.InvariantCulture),
            ["ACTIVE"] = user.Active,
            ["NAME"] = user.Name,
            ["LAST_NAME"] = user.LastName,
            ["EMAIL"] = user.Email,
            ["IS_ONLINE"] = "N",
            ["TIMESTAMP_X"] = new JsonObject(),
            ["PERSONAL_MOBILE"] = user.PersonalMobile ?? string.Empty,
            ["WORK_PHONE"] = user.WorkPhone ?? string.Empty,
            ["UF_DEPARTMENT"] = new JsonArray(1),
            ["USER_TYPE"] = user.UserType,
        };
        if (!string.IsNullOrEmpty(user.UfPhoneInner))
        {
            json["UF_PHONE_INNER"] = user.UfPhoneInner;
        }

        return json;
    }
}
