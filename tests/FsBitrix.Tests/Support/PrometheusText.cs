using System.Globalization;
using System.Text;

namespace FsBitrix.Tests.Support;

/// <summary>
/// A reader of Prometheus's text exposition format 0.0.4, strict where a scraper is: every sample belongs to a
/// family declared by <c># TYPE</c> before it, counters' samples end in <c>_total</c>, histograms' in
/// <c>_bucket</c>/<c>_sum</c>/<c>_count</c> with an <c>le</c> on each bucket, label values are quoted and escaped.
/// A line it cannot read fails the parse with its number.
/// </summary>
public sealed class PrometheusText
{
    private readonly Dictionary<string, string> _types = new(StringComparer.Ordinal);
    private readonly List<PrometheusSample> _samples = [];

    public IReadOnlyDictionary<string, string> Types => _types;

    public IReadOnlyList<PrometheusSample> Samples => _samples;

    public static PrometheusText Parse(string text)
    {
        var parsed = new PrometheusText();
        string[] lines = text.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i].TrimEnd('\r');
            if (line.Length == 0)
            {
                continue;
            }

            try
            {
                parsed.Read(line);
            }
            catch (FormatException e)
            {
                throw new FormatException($"line {i + 1}: {e.Message}: {line}", e);
            }
        }

        return parsed;
    }

    /// <summary>Samples of one series name whose labels include every one given.</summary>
    public IEnumerable<PrometheusSample> Find(string name, params (string Label, string Value)[] labels) =>
        _samples.Where(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Label, out string? v) && v == l.Value));

    /// <summary>The sum over the matching samples (0 when none match).</summary>
    public double Sum(string name, params (string Label, string Value)[] labels) => Find(name, labels).Sum(s => s.Value);

    /// <summary>The one matching sample's value; fails when there is none or more than one.</summary>
    public double Value(string name, params (string Label, string Value)[] labels)
    {
        List<PrometheusSample> found = Find(name, labels).ToList();
        return found.Count == 1
            ? found[0].Value
            : throw new InvalidOperationException($"{found.Count} samples of {name}{{{string.Join(",", labels.Select(l => $"{l.Label}=\"{l.Value}\""))}}}");
    }

    private void Read(string line)
    {
        if (line.StartsWith('#'))
        {
            string[] parts = line.Split(' ', 4);
            if (parts.Length >= 4 && parts[1] == "TYPE")
            {
                string type = parts[3].Trim();
                if (type is not ("counter" or "gauge" or "histogram" or "summary" or "untyped"))
                {
                    throw new FormatException($"unknown type '{type}'");
                }

                if (!_types.TryAdd(parts[2], type))
                {
                    throw new FormatException($"second TYPE for {parts[2]}");
                }
            }

            return;
        }

        int at = 0;
        string name = ReadName(line, ref at);
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (at < line.Length && line[at] == '{')
        {
            at++;
            while (line[at] != '}')
            {
                string label = ReadName(line, ref at);
                Expect(line, ref at, '=');
                Expect(line, ref at, '"');
                labels[label] = ReadQuoted(line, ref at);
                if (line[at] == ',')
                {
                    at++;
                }
            }

            at++;
        }

        Expect(line, ref at, ' ');
        string[] rest = line[at..].Split(' ');
        double value = rest[0] switch
        {
            "+Inf" => double.PositiveInfinity,
            "-Inf" => double.NegativeInfinity,
            "NaN" => double.NaN,
            _ => double.Parse(rest[0], NumberStyles.Float, CultureInfo.InvariantCulture),
        };

        string family = FamilyOf(name);
        _samples.Add(new PrometheusSample(name, family, labels, value));
    }

    private string FamilyOf(string name)
    {
        if (_types.TryGetValue(name, out string? type))
        {
            return type switch
            {
                "counter" when !name.EndsWith("_total", StringComparison.Ordinal) => throw new FormatException($"counter {name} does not end in _total"),
                "histogram" => throw new FormatException($"histogram sample {name} without a suffix"),
                _ => name,
            };
        }

        foreach (string suffix in new[] { "_bucket", "_sum", "_count" })
        {
            if (name.EndsWith(suffix, StringComparison.Ordinal) && _types.TryGetValue(name[..^suffix.Length], out string? t) && t is "histogram" or "summary")
            {
                return name[..^suffix.Length];
            }
        }

        throw new FormatException($"sample {name} before any TYPE of its family");
    }

    private static string ReadName(string line, ref int at)
    {
        int start = at;
        while (at < line.Length && (char.IsAsciiLetterOrDigit(line[at]) || line[at] is '_' or ':'))
        {
            at++;
        }

        return at > start && !char.IsAsciiDigit(line[start]) ? line[start..at] : throw new FormatException($"no name at {start}");
    }

    private static string ReadQuoted(string line, ref int at)
    {
        var value = new StringBuilder();
        while (line[at] != '"')
        {
            if (line[at] == '\\')
            {
                at++;
                value.Append(line[at] switch
                {
                    'n' => '\n',
                    '\\' => '\\',
                    '"' => '"',
                    _ => throw new FormatException($"bad escape at {at}"),
                });
            }
            else
            {
                value.Append(line[at]);
            }

            at++;
        }

        at++;
        return value.ToString();
    }

    private static void Expect(string line, ref int at, char c)
    {
        if (at >= line.Length || line[at] != c)
        {
            throw new FormatException($"'{c}' expected at {at}");
        }

        at++;
    }
}

/// <param name="Family">The metric the sample belongs to (the histogram's name for its buckets, sum and count).</param>
public sealed record PrometheusSample(string Name, string Family, IReadOnlyDictionary<string, string> Labels, double Value);
