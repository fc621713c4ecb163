namespace FsBitrix.Check;

/// <summary>The lines <c>fsbitrix check</c> prints: each finding with, for a failure, what to do about it.</summary>
internal sealed class CheckReport(TextWriter output)
{
    public int Failures { get; private set; }

    public void Ok(string what) => output.WriteLine($"  ok    {what}");

    public void Warn(string what, string fix) => output.WriteLine($"  warn  {what}{Environment.NewLine}        fix: {fix}");

    public void Fail(string what, string fix)
    {
        Failures++;
        output.WriteLine($"  FAIL  {what}{Environment.NewLine}        fix: {fix}");
    }

    public void Section(string title) => output.WriteLine(title);
}
