using System.Globalization;
using System.Text;

namespace FsBitrix.Simulator.Wire;

/// <summary>
/// One FreeSWITCH event as the simulator fires it: headers in FreeSWITCH's order (repeats allowed, as
/// <c>Hangup-Cause</c> in CHANNEL_HANGUP_COMPLETE) and an optional body. Serialized per listener format.
/// </summary>
public sealed class SimEvent
{
    private readonly List<KeyValuePair<string, string>> _headers = [];

    public IReadOnlyList<KeyValuePair<string, string>> Headers => _headers;

    public string? Body { get; private set; }

    public string Name => this["Event-Name"] ?? string.Empty;

    /// <summary>The first value of a header (case-insensitive, like FreeSWITCH's lookups).</summary>
    public string? this[string name] =>
        _headers.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value;

    public SimEvent Add(string name, string value)
    {
        _headers.Add(new(name, value));
        return this;
    }

    public SimEvent WithBody(string body)
    {
        Body = body;
        return this;
    }

    /// <summary><c>switch_event_serialize</c>: <c>name: url-encoded value</c> lines, then the body or a blank line.</summary>
    public string ToPlain()
    {
        var sb = new StringBuilder(4096);
        foreach (KeyValuePair<string, string> h in _headers)
        {
            string encoded = FsUrlEncoding.Encode(h.Value);
            sb.Append(h.Key).Append(": ").Append(encoded.Length == 0 ? "_undef_" : encoded).Append('\n');
        }

        if (Body is null)
        {
            return sb.Append('\n').ToString();
        }

        return sb.Append("Content-Length: ").Append(Encoding.UTF8.GetByteCount(Body).ToString(CultureInfo.InvariantCulture))
            .Append("\n\n").Append(Body).ToString();
    }

    /// <summary><c>switch_event_serialize_json</c>: one flat object, raw values, the body as <c>_body</c>.</summary>
    public string ToJson()
    {
        var sb = new StringBuilder(4096).Append('{');
        foreach (KeyValuePair<string, string> h in _headers)
        {
            sb.AppendString(h.Key).Append(':').AppendString(h.Value).Append(',');
        }

        if (Body is not null)
        {
            sb.AppendString("Content-Length").Append(':')
                .AppendString(Encoding.UTF8.GetByteCount(Body).ToString(CultureInfo.InvariantCulture)).Append(',')
                .AppendString("_body").Append(':').AppendString(Body).Append(',');
        }

        sb.Length--;
        return sb.Append('}').ToString();
    }
}
