namespace FsBitrix.Tests.Support;

/// <summary>The real FreeSWITCH captures in ../shared/fixtures/esl (read-only).</summary>
internal static class Fixtures
{
    private static readonly Lazy<string> Root = new(() =>
    {
        for (var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); dir is not null; dir = dir.Parent)
        {
            string shared = Path.Combine(dir.FullName, "..", "shared", "fixtures", "esl");
            if (File.Exists(Path.Combine(dir.FullName, "FsBitrix.sln")) && Directory.Exists(shared))
            {
                return Path.GetFullPath(shared);
            }
        }

        throw new DirectoryNotFoundException("../shared/fixtures/esl not found beside the repository");
    });

    public static byte[] Bytes(string relative) => File.ReadAllBytes(Path.Combine(Root.Value, relative));
}
