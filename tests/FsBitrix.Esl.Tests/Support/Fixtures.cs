namespace FsBitrix.Esl.Tests.Support;

/// <summary>The real FreeSWITCH captures in ../shared/fixtures/esl (read-only, never edited).</summary>
internal static class Fixtures
{
    private static readonly Lazy<string> Root = new(FindRoot);

    public static string Esl => Root.Value;

    public static string Path(string relative) => System.IO.Path.Combine(Esl, relative);

    public static byte[] Bytes(string relative) => File.ReadAllBytes(Path(relative));

    public static IEnumerable<string> AllRaw() =>
        Directory.EnumerateFiles(Esl, "*.raw", SearchOption.AllDirectories)
            .Select(f => System.IO.Path.GetRelativePath(Esl, f))
            .Order(StringComparer.Ordinal);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "FsBitrix.sln")))
            {
                string shared = System.IO.Path.Combine(dir.FullName, "..", "shared", "fixtures", "esl");
                if (Directory.Exists(shared))
                {
                    return System.IO.Path.GetFullPath(shared);
                }
            }
        }

        throw new DirectoryNotFoundException("../shared/fixtures/esl not found beside the repository");
    }
}
