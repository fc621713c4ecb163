namespace FsBitrix.Esl.Connection;

/// <summary>The BACKGROUND_JOB event that finished a <c>bgapi</c> command: its body is the command's output.</summary>
public sealed record BackgroundJobResult(string JobUuid, string Output)
{
    public bool IsSuccess => !Output.StartsWith("-ERR", StringComparison.Ordinal)
        && !Output.StartsWith("-USAGE", StringComparison.Ordinal);

    /// <summary>For <c>originate</c>: the UUID after <c>+OK </c>, or the hangup cause after <c>-ERR </c>.</summary>
    public string Value => Output.Length > 4 && Output[0] is '+' or '-'
        ? Output[(Output.IndexOf(' ', StringComparison.Ordinal) + 1)..].TrimEnd('\n', ' ')
        : Output.TrimEnd('\n');
}
