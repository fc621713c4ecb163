namespace FsBitrix.Core.Tests.Support;

/// <summary>The real FreeSWITCH captures in ../shared/fixtures/esl (read-only, never edited).</summary>
internal static class Fixtures
{
    private static readonly Lazy<string> Root = new(FindRoot);

    public static string Esl => Root.Value;

    public static string Scenario(string fileName) => Path.Combine(Esl, "scenarios", fileName);

    public static string Protocol(string fileName) => Path.Combine(Esl, "protocol", fileName);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "FsBitrix.sln")))
            {
                string shared = Path.Combine(dir.FullName, "..", "shared", "fixtures", "esl");
                if (Directory.Exists(shared))
                {
                    return Path.GetFullPath(shared);
                }
            }
        }

        throw new DirectoryNotFoundException("../shared/fixtures/esl not found beside the repository");
    }
}
