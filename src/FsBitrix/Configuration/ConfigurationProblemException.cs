namespace FsBitrix.Configuration;

/// <summary>The service refuses to start: each problem is a sentence saying what to set.</summary>
internal sealed class ConfigurationProblemException(IReadOnlyList<string> problems)
    : Exception("FsBitrix cannot start:" + Environment.NewLine + string.Join(Environment.NewLine, problems.Select(p => "  - " + p)))
{
    public IReadOnlyList<string> Problems { get; } = problems;
}
