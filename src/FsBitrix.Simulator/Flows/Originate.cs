namespace FsBitrix.Simulator.Flows;

/// <summary>
/// The originate a click-to-call sends (s12/s13):
/// <c>{origination_uuid=…,origination_caller_id_number=…,bitrix_call_id=…}&lt;rep dial string&gt; &amp;bridge({origination_caller_id_number=…}&lt;client dial string&gt;)</c>.
/// Dial strings end in the number: <c>user/1001</c>, <c>sofia/internal/1001@host</c>, <c>sofia/gateway/gw/8916…</c>.
/// </summary>
public sealed record Originate(
    IReadOnlyList<KeyValuePair<string, string>> Variables,
    string RepNumber,
    string? ClientNumber,
    IReadOnlyList<KeyValuePair<string, string>> ClientVariables)
{
    public string? Variable(string name) => Variables.FirstOrDefault(v => v.Key == name).Value;

    /// <returns>null when the arguments are not an originate the simulator can place.</returns>
    public static Originate? Parse(string args)
    {
        (IReadOnlyList<KeyValuePair<string, string>> vars, string rest) = Block(args.Trim());
        int space = rest.IndexOf(' ', StringComparison.Ordinal);
        if (space <= 0)
        {
            return null;
        }

        string? rep = NumberOf(rest[..space]);
        string app = rest[(space + 1)..].Trim();
        if (rep is null)
        {
            return null;
        }

        if (!app.StartsWith("&bridge(", StringComparison.Ordinal) || !app.EndsWith(')'))
        {
            // &park(), an extension...: only the rep's leg is simulated.
            return new Originate(vars, rep, null, []);
        }

        (IReadOnlyList<KeyValuePair<string, string>> clientVars, string clientDial) = Block(app["&bridge(".Length..^1]);
        return new Originate(vars, rep, NumberOf(clientDial), clientVars);
    }

    private static (IReadOnlyList<KeyValuePair<string, string>> Vars, string Remainder) Block(string s)
    {
        int close = s.IndexOf('}', StringComparison.Ordinal);
        if (!s.StartsWith('{') || close < 0)
        {
            return ([], s);
        }

        var vars = s[1..close].Split(',', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .Where(p => p.Length == 2)
            .Select(p => new KeyValuePair<string, string>(p[0].Trim(), p[1].Trim()))
            .ToList();
        return (vars, s[(close + 1)..].Trim());
    }

    private static string? NumberOf(string dial)
    {
        string[] parts = dial.Split('|', ',')[0].Split('/');
        string last = parts[0] == "loopback" && parts.Length > 1 ? parts[1] : parts[^1];
        string number = last.Split('@')[0];
        return number.Length == 0 ? null : number;
    }
}
