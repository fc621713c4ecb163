using System.Globalization;
using System.Reflection;

namespace FsBitrix.Simulator.Switch;

/// <summary>Which blocks of channel data an event carries (see Templates/event-shapes.txt).</summary>
internal enum EventBlocks
{
    None,
    Basic,
    Profile,
    Vars,
}

internal sealed record EventShape(string File, string Function, int Line, EventBlocks Blocks);

/// <summary>The embedded templates derived from the captures: event shapes and per-kind channel variables.</summary>
internal static class Templates
{
    private static readonly Lazy<IReadOnlyDictionary<string, EventShape>> ShapeTable = new(LoadShapes);
    private static readonly Lazy<IReadOnlyDictionary<string, IReadOnlyList<(string Name, string Value)>>> VariableTable = new(LoadVariables);

    public static EventShape Shape(string eventName) =>
        ShapeTable.Value.TryGetValue(eventName, out EventShape? shape)
            ? shape
            : throw new ArgumentException($"no shape for event {eventName}", nameof(eventName));

    /// <summary>Applies a variables section, replacing <c>{placeholders}</c>; lines with an unknown value are skipped.</summary>
    public static void ApplyVariables(Leg leg, string section, IReadOnlyDictionary<string, string?> values)
    {
        foreach ((string name, string template) in VariableTable.Value[section])
        {
            if (Fill(template, values) is { } value)
            {
                leg.Variables[name] = value;
            }
        }
    }

    private static string? Fill(string template, IReadOnlyDictionary<string, string?> values)
    {
        string result = template;
        int open;
        while ((open = result.IndexOf('{', StringComparison.Ordinal)) >= 0)
        {
            int close = result.IndexOf('}', open);
            if (close < 0 || !values.TryGetValue(result[(open + 1)..close], out string? value) || value is null)
            {
                return null;
            }

            result = string.Concat(result.AsSpan(0, open), value, result.AsSpan(close + 1));
        }

        return result;
    }

    private static IEnumerable<string> Lines(string resource)
    {
        using Stream stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("FsBitrix.Simulator.Templates." + resource)
            ?? throw new InvalidOperationException($"embedded template {resource} missing");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0 && l[0] != '#').ToList();
    }

    private static IReadOnlyDictionary<string, EventShape> LoadShapes() =>
        Lines("event-shapes.txt").Select(l => l.Split('\t')).ToDictionary(
            p => p[0],
            p => new EventShape(p[1], p[2], int.Parse(p[3], CultureInfo.InvariantCulture), Enum.Parse<EventBlocks>(p[4], ignoreCase: true)));

    private static IReadOnlyDictionary<string, IReadOnlyList<(string Name, string Value)>> LoadVariables()
    {
        var sections = new Dictionary<string, IReadOnlyList<(string, string)>>();
        List<(string, string)>? current = null;
        foreach (string line in Lines("leg-variables.txt"))
        {
            if (line[0] == '[')
            {
                current = [];
                sections[line.Trim('[', ']')] = current;
            }
            else if (current is not null && line.IndexOf('=', StringComparison.Ordinal) is > 0 and int eq)
            {
                current.Add((line[..eq], line[(eq + 1)..]));
            }
        }

        return sections;
    }
}
