namespace FsBitrix.Core.Tests.Support;

/// <summary>The real FreeSWITCH captures in ../shared/fixtures/esl (read-only, never edited).</summary>
internal static class Fixtures
{
    public static string Esl => FsBitrix.Testing.SharedFixtures.EslRoot;

    public static string Scenario(string fileName) => Path.Combine(Esl, "scenarios", fileName);

    public static string Protocol(string fileName) => Path.Combine(Esl, "protocol", fileName);
}
