namespace FsBitrix.Testing;

/// <summary>
/// Where the repository and the read-only captures in ../shared/fixtures/esl are, found from the test's output
/// folder. Compiled into every test project (Directory.Build.props), so each finds them the same way.
/// </summary>
internal static class SharedFixtures
{
    private static readonly Lazy<string> Repository = new(FindRepository);

    /// <summary>The folder holding FsBitrix.sln.</summary>
    public static string RepositoryRoot => Repository.Value;

    /// <summary>../shared/fixtures/esl beside the repository.</summary>
    public static string EslRoot
    {
        get
        {
            string esl = Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared", "fixtures", "esl"));
            return Directory.Exists(esl)
                ? esl
                : throw new DirectoryNotFoundException($"{esl} not found: the tests need ../shared beside the repository");
        }
    }

    private static string FindRepository()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "FsBitrix.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("FsBitrix.sln not found above " + AppContext.BaseDirectory);
    }
}
